"""Workflow engine overhead: what one engine step costs (load + run + save), and a whole
parallel_review instance with two co-reviewing departments, on SQLite and PostgreSQL.

Baselines measured in the same run, in the same process: a minimal write transaction (one
UPDATE and one outbox event, what any service pays) and the engine's in-memory work alone
(deserialize, run, serialize, without the database)."""

import os
import subprocess
import sys

from bench.common import ROOT, child_env, database, databases, ratio, timed

STEPS = 300
INSTANCES = 60


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings")
    django.setup()
    import itertools

    from django.db import transaction

    from tongban.core.events import record_event
    from tongban.core.models import Department
    from tongban.identity.models import Account, Official, OfficialRole, Role
    from tongban.workflow import engine, services
    from tongban.workflow.models import ProcessInstance

    kind = os.environ["BENCH_KIND"]
    departments = list(Department.objects.order_by("pk")[:3])
    accounts = []
    for number, department in enumerate(departments):
        account = Account.objects.create_user(
            f"bench-{number}", None, kind="official", display_name="bench"
        )
        official = Official.objects.create(account=account, department=department)
        OfficialRole.objects.create(official=official, role=Role.APPROVER)
        accounts.append(Account.objects.select_related("official").get(pk=account.pk))
    lead, co1, co2 = accounts
    subjects = itertools.count()

    def start(key, data):
        return services.start_process(
            key=key, subject=("bench.subject", str(next(subjects))), data=data, actor="system:bench"
        )

    # Baseline: the smallest write a service makes.
    target = departments[0]

    def minimal_write():
        with transaction.atomic():
            Department.objects.filter(pk=target.pk).update(short_name=target.short_name)
            record_event("bench.noop", subject=target, actor="system:bench")

    base = timed(f"[{kind}] baseline: UPDATE + event, one transaction", minimal_write, repeat=STEPS)

    # The engine alone, in memory: load, complete the ready task, advance, dump.
    single = {"lead_department": departments[0].pk}
    sample = start("single_department", single).instance
    state = ProcessInstance.objects.get(pk=sample.pk).state

    def in_memory():
        workflow = engine.load(sample.__class__(state=state))
        ready = workflow.get_tasks(state=engine.TaskState.READY, manual=True)[0]
        engine.complete(workflow, ready.id, {"accept_outcome": "accept"})
        engine.dump(workflow)

    memory = timed(f"[{kind}] engine in memory: load + run + dump", in_memory, repeat=STEPS)

    # One service step: complete the accept task of a fresh single_department instance.
    tasks = [start("single_department", single).created[0] for _ in range(STEPS)]
    iterator = iter(tasks)
    step = timed(
        f"[{kind}] complete_task (load + run + save + tasks + event)",
        lambda: services.complete_task(task=next(iterator), actor=lead, outcome="accept"),
        repeat=STEPS,
    )

    parallel = {
        "lead_department": departments[0].pk,
        "co_departments": [departments[1].pk, departments[2].pk],
    }

    def whole_instance():
        accept = start("parallel_review", parallel).created[0]
        reviews = services.complete_task(task=accept, actor=lead, outcome="accept").created
        by_department = {t.department_id: t for t in reviews if t.element_id == "co_review"}
        [lead_review] = [t for t in reviews if t.element_id == "lead_review"]
        services.complete_task(task=by_department[departments[1].pk], actor=co1, outcome="approve")
        services.complete_task(task=by_department[departments[2].pk], actor=co2, outcome="approve")
        [decide] = services.complete_task(task=lead_review, actor=lead, outcome="approve").created
        assert services.complete_task(task=decide, actor=lead, outcome="approve").ended

    instance = timed(
        f"[{kind}] parallel_review instance (start + 5 tasks)", whole_instance, repeat=INSTANCES
    )
    size = len(ProcessInstance.objects.filter(definition__key="parallel_review").first().state)
    for figures in (base, memory, step, instance):
        print(figures.line().replace("errors 0", ""))
    p50 = {
        name: f.percentile(50)
        for name, f in (("base", base), ("memory", memory), ("step", step), ("instance", instance))
    }
    print(f"[{kind}] step p50 / baseline p50        {ratio(p50['step'], p50['base'])}")
    print(f"[{kind}] engine share of a step (p50)   {ratio(p50['memory'], p50['step'])}")
    print(f"[{kind}] instance p50 / step p50        {ratio(p50['instance'], p50['step'])}")
    print(f"[{kind}] stored state of a finished parallel_review: {size / 1024:.1f} KB (encrypted)")


def main() -> None:
    for kind in databases():
        with database(kind) as url:
            result = subprocess.run(
                [sys.executable, "-m", "bench.workflow_engine", "--child"],
                cwd=ROOT,
                env=child_env(url, BENCH_KIND=kind),
                capture_output=True,
                text=True,
                check=False,
            )
            print(result.stdout, end="")
            if result.returncode:
                raise RuntimeError(result.stderr[-3000:])


if __name__ == "__main__" and sys.argv[1:] == ["--child"]:
    child()
