"""The demo city's licence types and the licences its people already hold.

Type codes (`senior_card`, ...) are referenced by the catalogue. Licences follow the people's
stories: 张伟 and 李娜 are married, 陈静 holds a disability card, 青禾餐饮 and 何记小吃店 have
business licences; 王秀英 does not hold the 老年人优待证 yet — she gets it through instant
approval. People and businesses are found by their blind index or credit code and created
only when missing, so this step and identity's coexist in either order."""

import datetime

from tongban.core.models import Department
from tongban.core.services import save_record
from tongban.demo import people
from tongban.demo.city import ACTOR, department_code
from tongban.identity.models import Business, Person
from tongban.licences import services
from tongban.licences.models import HolderKind, Licence

D = datetime.date
PERSON, BUSINESS = HolderKind.PERSON, HolderKind.BUSINESS


def schema(*fields: tuple[str, str, str], required: tuple[str, ...] | None = None) -> dict:
    """A JSON Schema for string fields given as (name, title, format or "")."""
    properties = {
        name: {"type": "string", "title": title, "maxLength": 200, **({"format": f} if f else {})}
        for name, title, f in fields
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(required if required is not None else properties),
        "additionalProperties": False,
    }


# code, name, defining department, issuing departments, holder, schema, years, ages, layout
TYPES = [
    (
        "birth_medical_certificate",
        "出生医学证明",
        "卫生健康委员会",
        ["卫生健康委员会"],
        PERSON,
        schema(
            ("child_name", "新生儿姓名", ""),
            ("gender", "性别", ""),
            ("birth_date", "出生日期", "date"),
            ("birth_place", "出生地点", ""),
            ("mother_name", "母亲姓名", ""),
            ("father_name", "父亲姓名", ""),
        ),
        None,
        [],
        "certificate",
    ),
    (
        "marriage_certificate",
        "结婚证",
        "民政局",
        ["民政局"],
        PERSON,
        schema(
            ("spouse_name", "配偶姓名", ""),
            ("registration_date", "登记日期", "date"),
            ("registration_office", "登记机关", ""),
        ),
        None,
        [],
        "certificate",
    ),
    (
        "senior_card",
        "老年人优待证",
        "民政局",
        ["民政局"],
        PERSON,
        schema(
            ("gender", "性别", ""),
            ("birth_date", "出生日期", "date"),
            ("household_district", "户籍所在地", ""),
        ),
        None,
        [60, 65, 70, 80],
        "card",
    ),
    (
        "business_licence",
        "营业执照",
        "市场监督管理局",
        ["市场监督管理局"],
        BUSINESS,
        schema(
            ("business_name", "名称", ""),
            ("business_type", "类型", ""),
            ("legal_representative", "法定代表人", ""),
            ("address", "住所", ""),
            ("business_scope", "经营范围", ""),
            ("established", "成立日期", "date"),
        ),
        None,
        [],
        "certificate",
    ),
    (
        "residence_permit",
        "居住证",
        "公安局",
        ["公安局"],
        PERSON,
        schema(("address", "居住地址", ""), ("gender", "性别", "")),
        1,
        [],
        "card",
    ),
    (
        "disability_card",
        "残疾人证",
        "残疾人联合会",
        ["残疾人联合会"],
        PERSON,
        schema(("category", "残疾类别", ""), ("grade", "残疾等级", ""), ("gender", "性别", "")),
        10,
        [],
        "card",
    ),
    (
        "social_security_card",
        "社会保障卡",
        "人力资源和社会保障局",
        ["人力资源和社会保障局"],
        PERSON,
        schema(("card_number", "社会保障号码", ""), ("issued_city", "发卡地", "")),
        10,
        [],
        "card",
    ),
    (
        "talent_acceptance_letter",
        "人才引进接收函",
        "人力资源和社会保障局",
        ["人力资源和社会保障局"],
        PERSON,
        schema(
            ("employer", "接收单位", ""),
            ("degree", "学历学位", ""),
            ("major", "专业", ""),
            ("school", "毕业院校", ""),
        ),
        1,
        [],
        "certificate",
    ),
    (
        "seal_filing_certificate",
        "公章备案证明",
        "公安局",
        ["公安局"],
        BUSINESS,
        schema(("seal_name", "印章名称", ""), ("seal_count", "备案印章数量", "")),
        None,
        [],
        "certificate",
    ),
]


def _department(short_name: str) -> Department:
    return Department.objects.get(credit_code=department_code(short_name))


def person_record(key: str, report) -> Person:
    """The demo person's Person row, created (without an account) when it is missing."""
    demo = people.person(key)
    found = Person.objects.filter(id_number_index=Person.index_for(demo.id_number)).first()
    if found:
        return found
    created, status = save_record(
        Person,
        lookup={"id_number_index": Person.index_for(demo.id_number)},
        values={
            "real_name": demo.name,
            "id_number": demo.id_number,
            "phone": demo.phone,
            "email": demo.email,
        },
        actor=ACTOR,
    )
    report.count("person", status)
    return created


def business_record(key: str, report) -> Business:
    demo = people.business(key)
    found = Business.objects.filter(credit_code=demo.credit_code).first()
    if found:
        return found
    created, status = save_record(
        Business,
        lookup={"credit_code": demo.credit_code},
        values={
            "name": demo.name,
            "legal_representative": person_record(demo.legal_representative, report),
        },
        actor=ACTOR,
    )
    report.count("business", status)
    return created


def _marriage(key: str) -> dict:
    return {
        "spouse_name": people.person(people.person(key).spouse).name,
        "registration_date": "2021-05-20",
        "registration_office": "示范市民政局婚姻登记处",
    }


def _business_licence(key: str) -> dict:
    demo = people.business(key)
    return {
        "business_name": demo.name,
        "business_type": demo.kind,
        "legal_representative": people.person(demo.legal_representative).name,
        "address": demo.address,
        "business_scope": demo.business_scope,
        "established": demo.registered.isoformat(),
    }


# licence type, issuing department, person or business key, fields, valid from
LICENCES = [
    ("marriage_certificate", "民政局", "zhangwei", _marriage("zhangwei"), D(2021, 5, 20)),
    ("marriage_certificate", "民政局", "lina", _marriage("lina"), D(2021, 5, 20)),
    (
        "disability_card",
        "残疾人联合会",
        "chenjing",
        {"category": "肢体残疾", "grade": "二级", "gender": "女"},
        D(2022, 3, 1),
    ),
    (
        "social_security_card",
        "人力资源和社会保障局",
        "zhangwei",
        {"card_number": people.person("zhangwei").id_number, "issued_city": "示范市"},
        D(2018, 7, 1),
    ),
    ("business_licence", "市场监督管理局", "qinghe", _business_licence("qinghe"), D(2019, 3, 18)),
    ("business_licence", "市场监督管理局", "heji", _business_licence("heji"), D(2021, 8, 1)),
    (
        "seal_filing_certificate",
        "公安局",
        "qinghe",
        {"seal_name": "示范市青禾餐饮有限公司", "seal_count": "3"},
        D(2019, 3, 25),
    ),
]


def seed(report) -> None:
    for code, name, defining, issuing, holder, field_schema, years, ages, layout in TYPES:
        _type, status = services.define_licence_type(
            code=code,
            name=name,
            defining_department=_department(defining),
            issuing_departments=[_department(short) for short in issuing],
            holder_kind=holder,
            field_schema=field_schema,
            validity_years=years,
            age_thresholds=ages,
            layout=layout,
            actor=ACTOR,
        )
        report.count("licence type", status)
    for code, issuer, key, fields, valid_from in LICENCES:
        source_case = f"demo:{code}:{key}"
        if Licence.objects.filter(licence_type__code=code, source_case=source_case).exists():
            report.count("licence", "unchanged")
            continue
        holder = (
            business_record(key, report)
            if any(b.key == key for b in people.BUSINESSES)
            else person_record(key, report)
        )
        services.issue_licence(
            licence_type=code,
            issuer=_department(issuer),
            holder=holder,
            fields=fields,
            source_case=source_case,
            actor=ACTOR,
            valid_from=valid_from,
        )
        report.count("licence", "created")
