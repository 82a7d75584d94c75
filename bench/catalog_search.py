"""Catalogue search at province scale: the demo catalogue (42 matters) replicated to 10,000
published matters, then search p50/p95 against a plain indexed `name` lookup measured in the
same run — in process (the search function and the ORM) and over HTTP through gunicorn (both
answering 20 matters: the search API and the list API filtered by exact name).

Goal (issue 4): search p95 under 20 ms on this machine."""

import json
import subprocess
import sys
import threading
import time

import requests

from bench.common import ROOT, child_env, database, databases, drive, ratio, server, timed

TARGET = 10_000
QUERIES = [
    "出生登记",
    "宝宝上户口",
    "長者優待證",
    "老年人优带证",
    "怎么领失业金",
    "租房提公积金",
    "开公司",
    "注册公司要什么材料",
    "异地就医备案",
    "社保证明",
    "发烧去哪看",
    "无犯罪证明",
    "birth registration",
    "住房公积金提取（租房）",
    "残疾人两项补贴申请",
    "醫保報銷",
]
REPEAT = 400


def replicate(target: int) -> dict:
    """Copy every published demo matter until `target` matters exist (in this process's
    database); returns the figures of the copy."""
    import uuid

    from django.db import transaction

    from tongban.catalog.models import Material, Matter, MatterVersion
    from tongban.catalog.services import bump_revision

    started = time.perf_counter()
    originals = list(
        MatterVersion.objects.filter(status="published")
        .select_related("matter")
        .prefetch_related("themes", "involved_departments", "materials")
    )
    copies = -(-(target - len(originals)) // len(originals))
    themes = MatterVersion.themes.through
    involved = MatterVersion.involved_departments.through
    with transaction.atomic():
        for copy in range(1, copies + 1):
            matters = Matter.objects.bulk_create(
                Matter(
                    service_id=uuid.uuid4(),
                    implementation_code=f"{v.matter.implementation_code[:28]}R{copy:05d}",
                    department_id=v.matter.department_id,
                )
                for v in originals
            )
            versions = []
            for original, matter in zip(originals, matters, strict=True):
                version = MatterVersion(
                    **{
                        f.attname: getattr(original, f.attname)
                        for f in MatterVersion._meta.concrete_fields
                        if f.attname not in ("id", "matter_id")
                    }
                )
                version.matter_id = matter.pk
                versions.append(version)
            versions = MatterVersion.objects.bulk_create(versions)
            themes.objects.bulk_create(
                themes(matterversion_id=new.pk, theme_id=t.pk)
                for original, new in zip(originals, versions, strict=True)
                for t in original.themes.all()
            )
            involved.objects.bulk_create(
                involved(matterversion_id=new.pk, department_id=d.pk)
                for original, new in zip(originals, versions, strict=True)
                for d in original.involved_departments.all()
            )
            Material.objects.bulk_create(
                Material(
                    **{
                        f.attname: getattr(m, f.attname)
                        for f in Material._meta.concrete_fields
                        if f.attname not in ("id", "version_id")
                    },
                    version_id=new.pk,
                )
                for original, new in zip(originals, versions, strict=True)
                for m in original.materials.all()
            )
        bump_revision()
    return {
        "matters": Matter.objects.count(),
        "copy_seconds": round(time.perf_counter() - started, 1),
    }


def measure_in_process() -> dict:
    """Search and the name lookup, called directly, REPEAT times over the query list."""
    from tongban.catalog.models import MatterVersion
    from tongban.catalog.search import current_index, search

    started = time.perf_counter()
    current_index()
    build = time.perf_counter() - started
    names = list(
        MatterVersion.objects.filter(status="published").values_list("name", flat=True).distinct()
    )
    queries = iter(QUERIES * REPEAT)
    lookups = iter(names * REPEAT)
    search_figures = timed("search()", lambda: search(next(queries)), repeat=REPEAT)
    lookup_figures = timed(
        "name lookup",
        lambda: (
            MatterVersion.objects.filter(status="published", name=next(lookups))
            .values_list("pk", flat=True)
            .first()
        ),
        repeat=REPEAT,
    )
    return {
        "index_build_seconds": round(build, 2),
        "search_p50": search_figures.percentile(50),
        "search_p95": search_figures.percentile(95),
        "lookup_p50": lookup_figures.percentile(50),
        "lookup_p95": lookup_figures.percentile(95),
    }


def child(url: str) -> dict:
    """Replicate and measure in a child process bound to the throwaway database."""
    code = (
        "import json, django; django.setup();"
        "from bench.catalog_search import replicate, measure_in_process;"
        f"figures = replicate({TARGET}); figures.update(measure_in_process());"
        "print(json.dumps(figures))"
    )
    env = child_env(url, DJANGO_SETTINGS_MODULE="tongban.config.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def getter(base: str):
    local = threading.local()

    def get(path_for):
        def call(i: int) -> bool:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            return local.session.get(base + path_for(i), timeout=30).status_code == 200

        return call

    return get


def main() -> None:
    for kind in databases():
        with database(kind) as url:
            figures = child(url)
            print(
                f"[{kind}] {figures['matters']} matters (copied in {figures['copy_seconds']} s); "
                f"index built in {figures['index_build_seconds']} s"
            )
            print(
                f"[{kind}] in process: search p50 {figures['search_p50']:.2f} ms  "
                f"p95 {figures['search_p95']:.2f} ms | name lookup p50 "
                f"{figures['lookup_p50']:.2f} ms  p95 {figures['lookup_p95']:.2f} ms | "
                f"p95 ratio {ratio(figures['search_p95'], figures['lookup_p95'])}"
            )
            with server(url, web_workers=2) as base:
                get = getter(base)
                search_path = lambda i: f"/api/v1/catalog/search?q={QUERIES[i % len(QUERIES)]}"  # noqa: E731
                name_path = lambda i: f"/api/v1/catalog/matters?limit=20&name={QUERIES[i % 3]}"  # noqa: E731
                drive("warm-up", get(search_path), requests_total=40, concurrency=4)
                searched = drive(
                    f"[{kind}] GET search", get(search_path), requests_total=800, concurrency=4
                )
                looked = drive(
                    f"[{kind}] GET matters?name=", get(name_path), requests_total=800, concurrency=4
                )
                print(searched.line())
                print(looked.line())
                p95 = ratio(searched.percentile(95), looked.percentile(95))
                print(f"[{kind}] HTTP p95 ratio search/name {p95}")
