"""`tongban catalog export` / `import`: the format round-trips exactly; an invalid file writes
nothing and names every problem with its path; published versions cannot be rewritten."""

import copy
import json

import pytest

from tongban.catalog.models import LifeEvent, Material, Matter, MatterVersion, Theme
from tongban.catalog.selectors import export_catalogue
from tongban.catalog.services import CatalogueInvalid, import_catalogue
from tongban.core.models import Event
from tongban.demo.catalog import catalogue

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Theme.objects.values()),
        list(Matter.objects.values()),
        list(MatterVersion.objects.values()),
        list(Material.objects.values()),
        list(LifeEvent.objects.values()),
        Event.objects.count(),
    )


def clear_catalogue():
    LifeEvent.objects.all().delete()
    MatterVersion.objects.all().delete()
    Matter.objects.all().delete()
    Theme.objects.all().delete()


def test_export_then_import_round_trips_exactly(demo_catalogue):
    exported = export_catalogue()
    assert len(exported["matters"]) >= 40
    text = json.dumps(exported, ensure_ascii=False, sort_keys=True)
    clear_catalogue()
    counts = import_catalogue(document=json.loads(text), actor="test")
    assert counts[("matter", "created")] == len(exported["matters"])
    assert json.dumps(export_catalogue(), ensure_ascii=False, sort_keys=True) == text


def test_importing_the_same_file_again_changes_nothing(demo_catalogue):
    before = snapshot()
    counts = import_catalogue(document=export_catalogue(), actor="test")
    assert {status for _what, status in counts} == {"unchanged"}
    assert snapshot() == before


def bad_document():
    document = catalogue()
    matter = document["matters"][5]["versions"][0]
    matter["committed_time_limit"] = matter["legal_time_limit"] + 1
    matter["materials"][0]["source"] = "somewhere"
    matter["situations"].append({"code": "q", "question": "?", "options": []})
    document["matters"][7]["department"] = "91110000000000000X"
    document["matters"][9]["versions"][0]["matter_type"] = ""
    document["life_events"][0]["matters"].append("NO-SUCH-MATTER")
    document["life_events"][0]["answers"]["parents_married"] = "perhaps"
    document["themes"].append(copy.deepcopy(document["themes"][0]))
    return document


def test_an_invalid_file_writes_nothing_and_reports_every_problem(departments):
    before = snapshot()
    with pytest.raises(CatalogueInvalid) as refused:
        import_catalogue(document=bad_document(), actor="test")
    paths = [path for path, _message in refused.value.problems]
    question = len(catalogue()["matters"][5]["versions"][0]["situations"])
    # The broken matter gets its shape problems; every other part is checked in full.
    assert "matters[5].versions[0].materials[0].source" in paths
    assert f"matters[5].versions[0].situations[{question}].options" in paths
    assert "matters[7].department" in paths
    assert "matters[9].versions[0].matter_type" in paths  # published needs a type
    assert "life_events[0].matters[4]" in paths
    assert "life_events[0].answers.parents_married" in paths
    assert "themes[17].code" in paths
    assert snapshot() == before


def test_a_matter_with_the_right_shape_gets_its_semantic_problems(departments):
    document = bad_document()
    version = document["matters"][5]["versions"][0]
    version["materials"][0]["source"] = "applicant"
    version["situations"].pop()
    with pytest.raises(CatalogueInvalid) as refused:
        import_catalogue(document=document, actor="test")
    problems = dict(refused.value.problems)
    assert "matters[5].versions[0].committed_time_limit" in problems


def test_a_published_version_cannot_be_rewritten_by_import(demo_catalogue):
    document = export_catalogue()
    document["matters"][0]["versions"][0]["name"] = "改过的名字"
    before = snapshot()
    with pytest.raises(CatalogueInvalid) as refused:
        import_catalogue(document=document, actor="test")
    assert [path for path, _m in refused.value.problems] == ["matters[0].versions[0]"]
    assert snapshot() == before


def test_a_new_version_in_the_file_supersedes_the_published_one(demo_catalogue):
    document = export_catalogue()
    matter = document["matters"][0]
    new = {**copy.deepcopy(matter["versions"][0]), "number": 2, "published_at": None}
    new["committed_time_limit"] = 1
    matter["versions"] = [new]
    counts = import_catalogue(document={**document, "matters": [matter]}, actor="test")
    assert counts[("matter version", "created")] == 1
    versions = MatterVersion.objects.filter(
        matter__implementation_code=matter["implementation_code"]
    )
    assert dict(versions.values_list("number", "status")) == {1: "withdrawn", 2: "published"}


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({}, "format"),
        ({"format": "tongban-catalogue", "format_version": 2}, "format_version"),
        ([], ""),
        (
            {"format": "tongban-catalogue", "format_version": 1, "matters": [{}]},
            "matters[0].implementation_code",
        ),
    ],
)
def test_structural_errors_name_their_path(departments, document, path):
    with pytest.raises(CatalogueInvalid) as refused:
        import_catalogue(document=document, actor="test")
    assert path in [p for p, _m in refused.value.problems]


def test_the_command_exports_and_imports(tongban_command, child_env, tmp_path):
    assert tongban_command("seed-demo", env=child_env).returncode == 0
    exported = tongban_command("catalog", "export", env=child_env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["format"] == "tongban-catalogue" and document["format_version"] == 1
    file = tmp_path / "catalogue.json"
    file.write_text(exported.stdout, encoding="utf-8")
    again = tongban_command("catalog", "import", str(file), env=child_env)
    assert again.returncode == 0, again.stderr
    assert "catalog import: 0 change(s)." in again.stdout

    document["matters"][0]["versions"][0]["legal_time_limit"] = -1
    document["matters"][1]["department"] = "nope"
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = tongban_command("catalog", "import", str(file), env=child_env)
    assert refused.returncode == 1
    assert "matters[0].versions[0].legal_time_limit:" in refused.stderr
    assert "matters[1].department:" in refused.stderr
    assert "nothing was imported" in refused.stderr
    checked = tongban_command("catalog", "import", "--check", str(file), env=child_env)
    assert checked.returncode == 1 and "matters[1].department:" in checked.stderr

    file.write_text("{not json", encoding="utf-8")
    broken = tongban_command("catalog", "import", str(file), env=child_env)
    assert broken.returncode == 1 and "is not JSON" in broken.stderr
