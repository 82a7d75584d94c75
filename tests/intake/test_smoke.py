from tests.intake.conftest import decide, submit


def test_single(citizen, single_version, officials):
    app = submit(citizen, single_version)
    assert app.status == "submitted" and app.number
    app = decide(officials["wjw.approver"], app, "accept", "accept")
    assert app.status == "accepted"
    app = decide(officials["wjw.approver"], app, "review")
    assert app.status == "in_review"
    app = decide(officials["wjw.approver"], app, "decide")
    assert app.status == "approved"
