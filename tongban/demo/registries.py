"""The demo city's registries, sharing catalogue and system clients, from the demo population.

Every department gets a system client (OAuth 2 client credentials); its secret is derived
from this installation's index key, so every seed run can print it (demo only). The registries
hold exactly what tongban.demo.people says, plus the expecting couple's newborn in 出生医学证明,
so 出生登记 can be done without an upload. Idempotent: a second run changes nothing."""

import datetime

from django.utils import timezone

from tongban.core import crypto
from tongban.core.calendar import package_years
from tongban.core.models import CalendarYear, Department
from tongban.core.services import load_package_calendar
from tongban.demo.city import ACTOR, department_code
from tongban.demo.people import BUSINESSES, CHILDREN, PEOPLE, DemoPerson, person
from tongban.exchange import services
from tongban.exchange.models import ConsistencyRule, Registry, Resource, SystemClient

D = datetime.date

SYSTEMS = {  # department short name -> (subsystem code, system name)
    "公安局": ("police", "人口管理系统"),
    "民政局": ("civil-affairs", "婚姻登记系统"),
    "卫生健康委员会": ("health", "出生医学证明管理系统"),
    "人力资源和社会保障局": ("hrss", "社会保险业务系统"),
    "医疗保障局": ("medical-security", "医保业务系统"),
    "市场监督管理局": ("market-regulation", "市场主体登记系统"),
    "税务局": ("tax", "税收征管系统"),
    "住房公积金管理中心": ("housing-fund", "公积金业务系统"),
    "教育局": ("education", "学籍学历系统"),
    "残疾人联合会": ("disabled-persons", "残疾人信息系统"),
    "自然资源和规划局": ("natural-resources", "不动产登记系统"),
    "政务服务和数据管理局": ("platform", "一网通办平台"),
}

# The couple's newborn: registered by the hospital, waiting for 出生登记 (no ID number yet).
NEWBORN = {
    "certificate_number": "Q522600260001",
    "child_name": "张若溪",
    "child_gender": "女",
    "birth_date": "2026-11-02",
    "birth_place": "示范市妇幼保健院",
    "weight_grams": 3350,
    "mother": "lina",
    "father": "zhangwei",
}
MARRIAGES = {  # person key -> (registered on, registry office)
    "zhangwei": (D(2022, 10, 1), "示范市明湖区婚姻登记处"),
    "lina": (D(2022, 10, 1), "示范市明湖区婚姻登记处"),
    "zhaoguoqiang": (D(1990, 5, 1), "示范市新城区婚姻登记处"),
    "sunli": (D(1990, 5, 1), "示范市新城区婚姻登记处"),
    "wangxiuying": (D(1982, 1, 15), "示范市通江区婚姻登记处"),
    "ligang": (D(2008, 6, 6), "示范市新城区婚姻登记处"),
    "heping": (D(2000, 10, 10), "示范市云岭县婚姻登记处"),
}
PROPERTIES = {  # person key -> (certificate number, registered on, floor area m²)
    "wangxiuying": ("示不动产权第0010023号", D(1998, 7, 1), 86.5),
    "zhaoguoqiang": ("示不动产权第0020117号", D(2005, 3, 20), 120.0),
    "zhengqiang": ("示不动产权第0310288号", D(2023, 4, 12), 89.0),
    "ligang": ("示不动产权第0150066号", D(2012, 9, 9), 132.4),
}


def _id(**extra) -> dict:
    return {"type": "string", "format": "cn-id-number", "x-sensitive": True, **extra}


def _text(title: str, *, sensitive: bool = False, **extra) -> dict:
    spec = {"type": "string", "title": title, **extra}
    return {**spec, "x-sensitive": True} if sensitive else spec


def _schema(title: str, required: list[str], properties: dict) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "required": required,
        "properties": properties,
    }


MARITAL = ["未婚", "已婚", "离异", "丧偶"]
GENDER = ["男", "女"]
DATE = {"type": "string", "format": "date"}

REGISTRIES = [
    # code, name, department, subject kind, subject field, schema, description
    (
        "population",
        "户籍人口",
        "公安局",
        "id_number",
        "id_number",
        _schema(
            "户籍人口",
            ["id_number", "name", "gender", "birth_date", "district", "address", "marital_status"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "gender": _text("性别", enum=GENDER),
                "birth_date": {**DATE, "title": "出生日期"},
                "district": _text("户籍所在地", format="gb2260"),
                "address": _text("住址", sensitive=True),
                "marital_status": _text("婚姻状况", enum=MARITAL),
                "criminal_record": {
                    "type": "boolean",
                    "title": "违法犯罪记录",
                    "x-sensitive": True,
                },
            },
        ),
        "常住户籍人口登记信息，含违法犯罪记录标识。",
    ),
    (
        "marriage",
        "婚姻登记",
        "民政局",
        "id_number",
        "id_number",
        _schema(
            "婚姻登记",
            ["id_number", "name", "marital_status"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "marital_status": _text("婚姻状况", enum=MARITAL),
                "spouse_id_number": _id(title="配偶公民身份号码"),
                "spouse_name": _text("配偶姓名", sensitive=True),
                "registered_on": {**DATE, "title": "登记日期"},
                "registry_office": _text("登记机关"),
            },
        ),
        "结婚、离婚登记及婚姻状况。",
    ),
    (
        "birth_certificate",
        "出生医学证明",
        "卫生健康委员会",
        "id_number",
        "mother_id_number",
        _schema(
            "出生医学证明",
            [
                "certificate_number",
                "child_name",
                "child_gender",
                "birth_date",
                "birth_place",
                "mother_id_number",
                "mother_name",
            ],
            {
                "certificate_number": _text("出生医学证明编号"),
                "child_name": _text("新生儿姓名", sensitive=True),
                "child_gender": _text("新生儿性别", enum=GENDER),
                "birth_date": {**DATE, "title": "出生日期"},
                "birth_place": _text("出生地点"),
                "weight_grams": {"type": "integer", "title": "出生体重（克）", "minimum": 300},
                "mother_id_number": _id(title="母亲公民身份号码"),
                "mother_name": _text("母亲姓名", sensitive=True),
                "father_id_number": _id(title="父亲公民身份号码"),
                "father_name": _text("父亲姓名", sensitive=True),
            },
        ),
        "医疗机构签发的出生医学证明，以母亲身份号码查询。",
    ),
    (
        "social_insurance",
        "社会保险参保",
        "人力资源和社会保障局",
        "id_number",
        "id_number",
        _schema(
            "社会保险参保",
            ["id_number", "name", "status", "insured_months"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "status": _text("参保状态", enum=["参保缴费", "暂停缴费", "退休"]),
                "insured_months": {"type": "integer", "title": "累计缴费月数", "minimum": 0},
                "employer": _text("参保单位"),
            },
        ),
        "基本养老保险参保与缴费月数。",
    ),
    (
        "medical_insurance",
        "医保参保",
        "医疗保障局",
        "id_number",
        "id_number",
        _schema(
            "医保参保",
            ["id_number", "name", "status", "category"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "status": _text("参保状态", enum=["参保", "暂停"]),
                "category": _text("险种", enum=["职工医保", "居民医保"]),
            },
        ),
        "基本医疗保险参保状态。",
    ),
    (
        "market_entity",
        "市场主体登记",
        "市场监督管理局",
        "credit_code",
        "credit_code",
        _schema(
            "市场主体登记",
            ["credit_code", "name", "kind", "legal_representative_id_number", "registered_on"],
            {
                "credit_code": {
                    "type": "string",
                    "title": "统一社会信用代码",
                    "format": "cn-credit-code",
                },
                "name": _text("名称"),
                "kind": _text("类型", enum=["有限责任公司", "个体工商户"]),
                "legal_representative_name": _text("法定代表人/经营者", sensitive=True),
                "legal_representative_id_number": _id(title="法定代表人身份号码"),
                "address": _text("住所"),
                "registered_on": {**DATE, "title": "成立日期"},
                "business_scope": _text("经营范围"),
                "status": _text("登记状态", enum=["存续", "注销", "吊销"]),
            },
        ),
        "企业和个体工商户登记信息。",
    ),
    (
        "housing_fund",
        "住房公积金缴存",
        "住房公积金管理中心",
        "id_number",
        "id_number",
        _schema(
            "住房公积金缴存",
            ["id_number", "name", "status", "continuous_months"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "status": _text("缴存状态", enum=["正常缴存", "封存"]),
                "continuous_months": {"type": "integer", "title": "连续缴存月数", "minimum": 0},
                "employer": _text("缴存单位"),
            },
        ),
        "住房公积金缴存状态与连续缴存月数。",
    ),
    (
        "education",
        "学历学位",
        "教育局",
        "id_number",
        "id_number",
        _schema(
            "学历学位",
            ["id_number", "name", "degree", "school", "graduated_on"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "degree": _text("学位", enum=["学士", "硕士", "博士"]),
                "major": _text("专业"),
                "school": _text("学校"),
                "graduated_on": {**DATE, "title": "毕业日期"},
            },
        ),
        "高等教育学历学位信息。",
    ),
    (
        "disability",
        "残疾人信息",
        "残疾人联合会",
        "id_number",
        "id_number",
        _schema(
            "残疾人信息",
            ["id_number", "name", "category", "grade"],
            {
                "id_number": _id(title="公民身份号码"),
                "name": _text("姓名", sensitive=True),
                "category": _text(
                    "残疾类别",
                    enum=["视力", "听力", "言语", "肢体", "智力", "精神", "多重"],
                    sensitive=True,
                ),
                "grade": _text("残疾等级", enum=["一级", "二级", "三级", "四级"], sensitive=True),
            },
        ),
        "持证残疾人的残疾类别与等级。",
    ),
    (
        "property",
        "不动产登记",
        "自然资源和规划局",
        "id_number",
        "id_number",
        _schema(
            "不动产登记",
            ["id_number", "name", "certificate_number", "registered_on"],
            {
                "id_number": _id(title="权利人公民身份号码"),
                "name": _text("权利人姓名", sensitive=True),
                "certificate_number": _text("不动产权证书号"),
                "location": _text("坐落", sensitive=True),
                "floor_area": {"type": "number", "title": "建筑面积（平方米）", "minimum": 0},
                "registered_on": {**DATE, "title": "登记日期"},
            },
        ),
        "不动产权利人及权属信息；无记录即名下无登记不动产。",
    ),
]

CATALOGUE = {  # registry code -> (sharing, conditions, openness, update cycle)
    "population": ("conditional", "依法履职需要核验身份、户籍的事项。", "closed", "realtime"),
    "marriage": ("conditional", "办理需核验婚姻状况的事项。", "closed", "realtime"),
    "birth_certificate": ("conditional", "出生登记、生育相关事项。", "closed", "realtime"),
    "social_insurance": ("unconditional", "", "closed", "daily"),
    "medical_insurance": ("unconditional", "", "closed", "daily"),
    "market_entity": ("unconditional", "", "open", "realtime"),
    "housing_fund": ("conditional", "住房保障、公积金相关事项。", "closed", "monthly"),
    "education": ("conditional", "人才引进、就业相关事项。", "closed", "yearly"),
    "disability": ("conditional", "残疾人福利与补贴事项。", "closed", "monthly"),
    "property": ("conditional", "住房保障、公积金提取等核查名下房产的事项。", "closed", "realtime"),
}

# Grants the demo starts with: (consumer department, registry code, fields, purpose, legal basis)
GRANTS = [
    (
        "公安局",
        "birth_certificate",
        [
            "certificate_number",
            "child_name",
            "child_gender",
            "birth_date",
            "birth_place",
            "mother_name",
            "father_id_number",
            "father_name",
        ],
        "出生登记（户口登记）",
        "《中华人民共和国户口登记条例》第七条",
    ),
    (
        "人力资源和社会保障局",
        "education",
        ["name", "degree", "major", "school", "graduated_on"],
        "人才引进",
        "《示范市人才引进办法》",
    ),
    (
        "住房公积金管理中心",
        "property",
        ["certificate_number", "registered_on"],
        "租房提取住房公积金",
        "《住房公积金管理条例》第二十四条",
    ),
    (
        "民政局",
        "population",
        ["name", "gender", "birth_date", "district", "marital_status"],
        "婚姻登记",
        "《婚姻登记条例》",
    ),
    (
        "残疾人联合会",
        "population",
        ["name", "district", "address"],
        "残疾人两项补贴",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
    ),
    (
        "政务服务和数据管理局",
        "population",
        ["name"],
        "实名核验：核对姓名与公民身份号码",
        "《中华人民共和国网络安全法》第二十四条",
    ),
    (
        "人力资源和社会保障局",
        "population",
        ["name", "district", "criminal_record"],
        "人才引进",
        "《示范市人才引进办法》",
    ),
]


def client_secret(mediator_id: str) -> str:
    """The demo client's secret: derived from this installation's index key (demo only)."""
    return crypto.blind_index("demo.client-secret", mediator_id)[:40]


def mediator_id(department: Department, subsystem: str) -> str:
    return f"CN/GOV/{department.credit_code}/{subsystem}"


def _employer(key: str) -> str:
    for business in BUSINESSES:
        if business.key == key:
            return business.name
    return key


def population_records() -> list[dict]:
    rows = []
    for p in (*PEOPLE, *CHILDREN):
        if not p.district:
            continue
        rows.append(
            {
                "id_number": p.id_number,
                "name": p.name,
                "gender": p.gender,
                "birth_date": p.born.isoformat(),
                "district": p.district,
                "address": p.address,
                "marital_status": p.marital_status,
                "criminal_record": p.criminal_record,
            }
        )
    return rows


def marriage_records() -> list[dict]:
    rows = []
    for key, (registered, office) in MARRIAGES.items():
        p = person(key)
        row = {
            "id_number": p.id_number,
            "name": p.name,
            "marital_status": p.marital_status,
            "registered_on": registered.isoformat(),
            "registry_office": office,
        }
        if p.spouse:
            spouse = person(p.spouse)
            row |= {"spouse_id_number": spouse.id_number, "spouse_name": spouse.name}
        rows.append(row)
    return rows


def birth_records() -> list[dict]:
    mother, father = person(NEWBORN["mother"]), person(NEWBORN["father"])
    return [
        {
            **{k: v for k, v in NEWBORN.items() if k not in ("mother", "father")},
            "mother_id_number": mother.id_number,
            "mother_name": mother.name,
            "father_id_number": father.id_number,
            "father_name": father.name,
        }
    ]


def _insurance_status(p: DemoPerson) -> str:
    if p.retired:
        return "退休"
    return "参保缴费" if p.pension_active else "暂停缴费"


def social_insurance_records() -> list[dict]:
    return [
        {
            "id_number": p.id_number,
            "name": p.name,
            "status": _insurance_status(p),
            "insured_months": p.pension_insured_months,
            **({"employer": _employer(p.employer)} if p.employer else {}),
        }
        for p in PEOPLE
        if p.pension_insured_months
    ]


def medical_insurance_records() -> list[dict]:
    return [
        {
            "id_number": p.id_number,
            "name": p.name,
            "status": "参保" if p.medical_insured or p in CHILDREN else "暂停",
            "category": "职工医保" if p.pension_active else "居民医保",
        }
        for p in (*PEOPLE, *CHILDREN)
        if p.medical_insured or p.pension_insured_months or p in CHILDREN
    ]


def market_entity_records() -> list[dict]:
    rows = []
    for b in BUSINESSES:
        representative = person(b.legal_representative)
        rows.append(
            {
                "credit_code": b.credit_code,
                "name": b.name,
                "kind": b.kind,
                "legal_representative_name": representative.name,
                "legal_representative_id_number": representative.id_number,
                "address": b.address,
                "registered_on": b.registered.isoformat(),
                "business_scope": b.business_scope,
                "status": "存续",
            }
        )
    return rows


def housing_fund_records() -> list[dict]:
    return [
        {
            "id_number": p.id_number,
            "name": p.name,
            "status": "正常缴存" if p.housing_fund_active else "封存",
            "continuous_months": p.housing_fund_months,
            **({"employer": _employer(p.employer)} if p.employer else {}),
        }
        for p in PEOPLE
        if p.housing_fund_months
    ]


def education_records() -> list[dict]:
    return [
        {
            "id_number": p.id_number,
            "name": p.name,
            "degree": p.education.degree,
            "major": p.education.major,
            "school": p.education.school,
            "graduated_on": p.education.graduated.isoformat(),
        }
        for p in PEOPLE
        if p.education
    ]


def disability_records() -> list[dict]:
    return [
        {
            "id_number": p.id_number,
            "name": p.name,
            "category": p.disability[:-2],
            "grade": p.disability[-2:],
        }
        for p in PEOPLE
        if p.disability
    ]


def property_records() -> list[dict]:
    rows = []
    for key, (certificate, registered, area) in PROPERTIES.items():
        p = person(key)
        rows.append(
            {
                "id_number": p.id_number,
                "name": p.name,
                "certificate_number": certificate,
                "location": p.address,
                "floor_area": area,
                "registered_on": registered.isoformat(),
            }
        )
    return rows


RECORDS = {
    "population": population_records,
    "marriage": marriage_records,
    "birth_certificate": birth_records,
    "social_insurance": social_insurance_records,
    "medical_insurance": medical_insurance_records,
    "market_entity": market_entity_records,
    "housing_fund": housing_fund_records,
    "education": education_records,
    "disability": disability_records,
    "property": property_records,
}


def _department(short_name: str) -> Department:
    return Department.objects.get(credit_code=department_code(short_name))


def seed(report) -> None:
    _ensure_calendar()
    clients = _seed_clients(report)
    for position, (code, name, short, kind, subject, schema, description) in enumerate(
        REGISTRIES, start=1
    ):
        department = _department(short)
        registry = Registry.objects.filter(code=code).first()
        if registry is None:
            registry = services.create_registry(
                actor=ACTOR,
                department=department,
                code=code,
                name=name,
                subject_kind=kind,
                subject_field=subject,
                schema=schema,
                description=description,
            )
            report.count("registry", "created")
        else:
            registry, status = services.evolve_schema(actor=ACTOR, registry=registry, schema=schema)
            report.count("registry", status)
        for content in RECORDS[code]():
            _record, status = services.save_record(actor=ACTOR, registry=registry, content=content)
            report.count("registry record", status)
        sharing, conditions, openness, cycle = CATALOGUE[code]
        _resource, status = services.save_resource(
            actor=ACTOR,
            registry=registry,
            code=f"{department.credit_code[8:17]}/{position:05d}",
            name=name,
            summary=description,
            sharing=sharing,
            sharing_conditions=conditions,
            openness=openness,
            update_cycle=cycle,
        )
        report.count("catalogue resource", status)
    _seed_rules(report)
    _seed_grants(report, clients)


def _ensure_calendar() -> None:
    """The demo's grants get working-day deadlines: load this year's and next year's calendar
    from the package when the database lacks them (migrations load every year it covers)."""
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if year in package_years() and not CalendarYear.objects.filter(year=year).exists():
            load_package_calendar(year, actor=ACTOR)


def _seed_clients(report) -> dict[str, SystemClient]:
    clients = {}
    for short, (subsystem, name) in SYSTEMS.items():
        department = _department(short)
        mediator = mediator_id(department, subsystem)
        client = SystemClient.objects.filter(mediator_id=mediator).first()
        status = "unchanged"
        if client is None:
            client, _secret = services.register_system_client(
                actor=ACTOR,
                department=department,
                name=name,
                mediator_id=mediator,
                may_read_data_usage=subsystem == "platform",
                secret=client_secret(mediator),
            )
            status = "created"
        report.count("system client", status)
        clients[short] = client
        report.accounts.append(
            {
                "system": f"{short}·{name}",
                "client_id": client.application.client_id,
                "client_secret": client_secret(mediator),
                "mediator": mediator,
            }
        )
    return clients


def _seed_rules(report) -> None:
    population = Registry.objects.get(code="population")
    marriage = Registry.objects.get(code="marriage")
    _rule, created = ConsistencyRule.objects.get_or_create(
        registry=population,
        field="marital_status",
        other_registry=marriage,
        other_field="marital_status",
        defaults={"name": "户籍与婚姻登记的婚姻状况一致"},
    )
    report.count("consistency rule", "created" if created else "unchanged")


def _seed_grants(report, clients) -> None:
    expires = timezone.localdate() + datetime.timedelta(days=365)
    for short, code, fields, purpose, basis in GRANTS:
        key = f"demo-grant-{short}-{code}-{purpose}"
        key = crypto.blind_index("demo.grant", key)[:32]
        resource = Resource.objects.get(registry__code=code)
        existing = resource.grants.filter(idempotency_key=key).first()
        if existing:
            report.count("grant", "unchanged")
            continue
        grant = services.request_grant(
            actor=ACTOR,
            consumer=clients[short],
            resource=resource,
            fields=fields,
            purpose=purpose,
            legal_basis=basis,
            expires_on=expires,
            idempotency_key=key,
        )
        if grant.status == grant.Status.AWAITING_COMPLIANCE:
            grant = services.check_compliance(actor=ACTOR, grant=grant, approve=True)
            services.answer_grant(actor=ACTOR, grant=grant, approve=True)
        report.count("grant", "created")
