"""示范市, the fictional demo municipality: its regions and departments.

python-stdnum checks an ID number's birthplace against the published GB/T 2260 codes, so the
demo city borrows a real code block (5226xx, whose county codes were valid in every year) to
give residents born there valid ID numbers; every name is fictional (docs/decisions/0002)."""

from tongban.core import services
from tongban.core.models import Department
from tongban.demo.codes import credit_code

ACTOR = "system:seed-demo"
PROVINCE = ("520000", "示范省")
CITY = ("522600", "示范市")
DISTRICTS = [
    ("522622", "明湖区"),
    ("522623", "青山区"),
    ("522624", "通江区"),
    ("522625", "新城区"),
    ("522626", "云岭县"),
]

GOV = Department.Kind.GOVERNMENT
INST = Department.Kind.INSTITUTION
ORG = Department.Kind.ORGANIZATION
PLATFORM = Department.Kind.PLATFORM
# (short name, full name, credit-code authority+category, organization serial, kind)
DEPARTMENTS = [
    ("公安局", "示范市公安局", "11", 10000101, GOV),
    ("民政局", "示范市民政局", "11", 10000102, GOV),
    ("卫生健康委员会", "示范市卫生健康委员会", "11", 10000103, GOV),
    ("人力资源和社会保障局", "示范市人力资源和社会保障局", "11", 10000104, GOV),
    ("医疗保障局", "示范市医疗保障局", "11", 10000105, GOV),
    ("市场监督管理局", "示范市市场监督管理局", "11", 10000106, GOV),
    ("税务局", "国家税务总局示范市税务局", "11", 10000107, GOV),
    ("住房公积金管理中心", "示范市住房公积金管理中心", "12", 10000108, INST),
    ("教育局", "示范市教育局", "11", 10000109, GOV),
    ("残疾人联合会", "示范市残疾人联合会", "13", 10000110, ORG),
    ("自然资源和规划局", "示范市自然资源和规划局", "11", 10000111, GOV),
    ("政务服务和数据管理局", "示范市政务服务和数据管理局", "11", 10000100, PLATFORM),
]


def department_code(short_name: str) -> str:
    """The credit code of a demo department, by its short name."""
    for short, _name, authority, serial, _kind in DEPARTMENTS:
        if short == short_name:
            return credit_code(authority, CITY[0], serial)
    raise KeyError(short_name)


def seed(report) -> None:
    province, status = services.save_region(
        code=PROVINCE[0], name=PROVINCE[1], parent=None, actor=ACTOR
    )
    report.count("region", status)
    city, status = services.save_region(code=CITY[0], name=CITY[1], parent=province, actor=ACTOR)
    report.count("region", status)
    for code, name in DISTRICTS:
        _region, status = services.save_region(code=code, name=name, parent=city, actor=ACTOR)
        report.count("region", status)
    for short, name, authority, serial, kind in DEPARTMENTS:
        _department, status = services.save_department(
            credit_code=credit_code(authority, CITY[0], serial),
            name=name,
            short_name=short,
            region=city,
            kind=kind,
            actor=ACTOR,
        )
        report.count("department", status)
