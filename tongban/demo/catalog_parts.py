"""Building blocks of the demo catalogue: form fields, materials, situations, matters.

Registry codes and licence type codes are the ones the exchange and licences apps match on
(see docs/catalog-format.md): keep them in step with those apps."""

from tongban.demo.city import department_code

# Registries (registry code -> holding department) and e-licence types (type -> issuer).
REGISTRIES = {
    "population": "公安局",  # 户籍人口
    "marriage": "民政局",  # 婚姻登记
    "birth_certificate": "卫生健康委员会",  # 出生医学证明
    "social_insurance": "人力资源和社会保障局",  # 社会保险参保
    "medical_insurance": "医疗保障局",  # 医保参保
    "market_entity": "市场监督管理局",  # 市场主体登记
    "housing_fund": "住房公积金管理中心",  # 住房公积金缴存
    "education": "教育局",  # 学历学位
    "disability": "残疾人联合会",  # 残疾人信息
    "property": "自然资源和规划局",  # 不动产登记
}
LICENCES = {
    "birth_medical_certificate": "卫生健康委员会",  # 出生医学证明
    "marriage_certificate": "民政局",  # 结婚证
    "senior_card": "民政局",  # 老年人优待证
    "business_licence": "市场监督管理局",  # 营业执照
    "residence_permit": "公安局",  # 居住证
    "disability_card": "残疾人联合会",  # 残疾人证
    "social_security_card": "人力资源和社会保障局",  # 社会保障卡
    "talent_acceptance_letter": "人力资源和社会保障局",  # 人才引进接收函
    "seal_filing_certificate": "公安局",  # 公章备案证明
}
CENTRE = "示范市政务服务中心（示范市明湖区市民大道1号）"
HOURS = "工作日 9:00-12:00，13:30-17:30（法定节假日除外）"
HOTLINE = "12345 政务服务便民热线"


# --- form fields --------------------------------------------------------------------------


def field(name, zh, en, widget="text", order=0, **schema):
    """One form field: JSON Schema keywords plus labels, widget and order."""
    schema.setdefault("type", "string")
    if schema["type"] == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("maxLength", 200 if widget == "textarea" else 100)
    return name, {
        **schema,
        "title": zh,
        "x-labels": {"zh-Hans": zh, "en": en},
        "x-widget": widget,
        "x-order": order,
    }


def choice(name, zh, en, options, order=0, widget="radio"):
    return field(name, zh, en, widget, order, enum=list(options))


def multi_choice(name, zh, en, options, order=0):
    """Several of `options` (at least one)."""
    return field(
        name,
        zh,
        en,
        "checkboxes",
        order,
        type="array",
        items={"enum": list(options)},
        minItems=1,
        uniqueItems=True,
    )


def form(*fields, optional=()):
    """A form schema; every field is required unless named in `optional`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": dict(fields),
        "required": [name for name, _schema in fields if name not in optional],
    }


def person_fields(prefix="applicant", zh="申请人", en="Applicant", start=1):
    return [
        field(f"{prefix}_name", f"{zh}姓名", f"{en}'s name", order=start, maxLength=50),
        field(
            f"{prefix}_id_number",
            f"{zh}公民身份号码",
            f"{en}'s ID number",
            "id_number",
            start + 1,
            format="cn-id-number",
        ),
    ]


def contact_fields(start=5):
    return [
        field("mobile", "联系电话", "Mobile phone", "phone", start, format="cn-mobile"),
        field("address", "联系地址", "Postal address", "address", start + 1, maxLength=200),
    ]


def business_fields(start=1):
    return [
        field("business_name", "单位名称", "Business name", order=start, maxLength=100),
        field(
            "credit_code",
            "统一社会信用代码",
            "Unified social credit code",
            "credit_code",
            start + 1,
            format="cn-credit-code",
        ),
        *person_fields("agent", "经办人", "Agent", start + 2),
        field("mobile", "经办人联系电话", "Agent's mobile", "phone", start + 4, format="cn-mobile"),
    ]


def date_field(name, zh, en, order):
    return field(name, zh, en, "date", order, format="date")


# --- materials ------------------------------------------------------------------------------


def applicant(code, name, kind="original", necessity="required", copies=1, standard="", **extra):
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "necessity": necessity,
        "copies": copies,
        "source": "applicant",
        "acceptance_standard": standard,
        **extra,
    }


def registry(code, name, registry_code, registry_field, necessity="required", standard=""):
    """A material government already holds in a registry (免提交)."""
    return {
        "code": code,
        "name": name,
        "kind": "electronic",
        "necessity": necessity,
        "copies": 0,
        "source": "registry",
        "source_department": department_code(REGISTRIES[registry_code]),
        "registry_code": registry_code,
        "registry_field": registry_field,
        "acceptance_standard": standard or "由系统通过数据共享自动核验，申请人无需提交。",
    }


def licence(code, name, licence_type, necessity="required"):
    """A material government already holds as an electronic licence (免提交)."""
    return {
        "code": code,
        "name": name,
        "kind": "electronic",
        "necessity": necessity,
        "copies": 0,
        "source": "licence",
        "source_department": department_code(LICENCES[licence_type]),
        "licence_type": licence_type,
        "acceptance_standard": "调取电子证照，申请人无需提交纸质证件。",
    }


def id_card(code="id_card", who="申请人", necessity="required"):
    return registry(code, f"{who}居民身份证", "population", "identity", necessity)


def household_register(code="household_register", who="申请人", necessity="required"):
    return registry(code, f"{who}居民户口簿", "population", "household", necessity)


def photo(code="photo", text="近期正面免冠彩色证件照片（白底，358×441像素以上）"):
    return applicant(code, text, "electronic", standard="人像清晰、无修图，6个月内拍摄。")


def power_of_attorney(code="power_of_attorney"):
    return applicant(
        code,
        "授权委托书及受托人居民身份证",
        "original",
        "conditional",
        standard="委托书载明委托事项、权限和期限，由委托人签字。",
        blank_form="/static/catalog/forms/power_of_attorney.html",
    )


def agent_question(remove=()):
    """Whether the applicant comes in person or sends an agent (委托代办)."""
    return situation(
        "agent",
        "由谁办理？",
        "Who is applying?",
        option("self", "本人办理", "The applicant in person", remove=remove),
        option("agent", "委托他人代办", "An authorized agent", add=["power_of_attorney"]),
    )


# --- situations ----------------------------------------------------------------------------


def option(code, label, label_en, add=(), remove=(), add_conditions=(), remove_conditions=()):
    return {
        "code": code,
        "label": label,
        "label_en": label_en,
        "add_materials": list(add),
        "remove_materials": list(remove),
        "add_conditions": list(add_conditions),
        "remove_conditions": list(remove_conditions),
    }


def situation(code, question, question_en, *options):
    return {
        "code": code,
        "question": question,
        "question_en": question_en,
        "options": list(options),
    }


def condition(code, text, situational=False):
    return {"code": code, "text": text, "situational": situational}


# --- matters -------------------------------------------------------------------------------

TYPE_DIGITS = {
    "licensing": "01",
    "payment": "05",
    "confirmation": "07",
    "reward": "08",
    "ruling": "09",
    "other_power": "10",
    "filing": "11",
    "public_service": "20",
}
STEPS = {
    "licensing": ["申请", "受理", "审查", "决定", "制证送达"],
    "confirmation": ["申请", "受理", "审核", "确认办结"],
    "payment": ["申请", "受理", "审核", "公示", "审批发放"],
    "public_service": ["在线申请", "受理", "办结"],
}


def matter(
    serial,
    department,
    name,
    *,
    kind,
    themes,
    audiences,
    basis,
    conditions,
    legal,
    committed,
    materials,
    form_schema,
    summary="",
    name_en="",
    keywords=(),
    situations=(),
    fees=(),
    depth="full",
    visits=0,
    result="",
    result_licence="",
    instant=False,
    decision="",
    process="single_department",
    involved=(),
    level="municipal",
    faqs=(),
    no_materials=False,
    location=CENTRE,
):
    """A published demo matter. `serial` makes its basic code; the implementation code is the
    department's credit code followed by the basic code (30 characters)."""
    basic_code = f"{TYPE_DIGITS[kind]}{department_serial(department)}{serial:04d}000"
    steps = STEPS.get(kind, STEPS["confirmation"])
    return {
        "implementation_code": department_code(department) + basic_code,
        "department": department_code(department),
        "versions": [
            {
                "number": 1,
                "status": "published",
                "name": name,
                "name_en": name_en,
                "basic_code": basic_code,
                "matter_type": kind,
                "exercise_level": level,
                "legal_basis": basis,
                "summary": summary,
                "keywords": list(keywords),
                "audiences": list(audiences),
                "themes": list(themes),
                "conditions": list(conditions),
                "legal_time_limit": legal,
                "committed_time_limit": committed,
                "fees": list(fees),
                "online_depth": depth,
                "max_visits": visits,
                "process_steps": [{"name": step, "description": ""} for step in steps],
                "location": location,
                "office_hours": HOURS,
                "consultation": f"{HOTLINE}；{department}咨询窗口",
                "complaint": f"{HOTLINE}；示范市政务服务和数据管理局投诉受理",
                "faqs": [{"question": q, "answer": a} for q, a in faqs],
                "result_name": result,
                "result_licence_type": result_licence,
                "instant_approval": instant,
                "decision_reference": decision,
                "process_key": process,
                "involved_departments": [department_code(d) for d in involved],
                "form_schema": form_schema,
                "situations": list(situations),
                "no_materials": no_materials,
                "materials": list(materials),
            }
        ],
    }


def department_serial(short_name: str) -> str:
    """Three digits per department for basic codes (its place in the demo city's list)."""
    from tongban.demo.city import DEPARTMENTS

    for index, (short, *_rest) in enumerate(DEPARTMENTS, start=1):
        if short == short_name:
            return f"{index:03d}"
    raise KeyError(short_name)
