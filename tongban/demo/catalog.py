"""The demo catalogue of 示范市: 42 matters of 11 departments, their themes and four life
events (一件事), written in the style of real guides (办事指南). Seeded through the catalogue
import, so a second seed changes nothing.

Government-held materials name their registry or e-licence type (免提交); six matters are
instant-approval capable (秒批); the newborn and business-start matters run parallel review."""

from django.db.models import Max

from tongban.catalog.catalogue_format import (
    FORMAT,
    FORMAT_VERSION,
    normalized_content,
    version_content,
)
from tongban.catalog.models import MatterVersion
from tongban.catalog.services import import_catalogue
from tongban.demo.catalog_parts import (
    agent_question,
    applicant,
    business_fields,
    choice,
    condition,
    contact_fields,
    date_field,
    field,
    form,
    household_register,
    id_card,
    licence,
    matter,
    multi_choice,
    option,
    person_fields,
    photo,
    power_of_attorney,
    registry,
    situation,
)
from tongban.demo.city import ACTOR

PERSON, BUSINESS = ["person"], ["business"]

THEMES = [
    ("birth", "生育收养", "Births and adoption", "person"),
    ("household", "户籍办理", "Household registration", "person"),
    ("marriage", "婚姻登记", "Marriage", "person"),
    ("social-security", "社会保障", "Social security", "person"),
    ("medical", "医疗卫生", "Health and medical insurance", "person"),
    ("employment", "就业创业", "Jobs and talent", "person"),
    ("housing", "住房保障", "Housing", "person"),
    ("education", "教育科研", "Education", "person"),
    ("assistance", "社会救助", "Social assistance", "person"),
    ("elderly", "养老服务", "Older people", "person"),
    ("disability", "残疾人服务", "People with disabilities", "person"),
    ("certificates", "证件证明", "Certificates and proofs", "person"),
    ("establishment", "设立变更", "Starting and changing a business", "business"),
    ("permits", "准营准办", "Operating permits", "business"),
    ("tax", "税收财务", "Tax", "business"),
    ("employer", "用工保障", "Employers' insurance and housing fund", "business"),
    ("closure", "注销退出", "Closing a business", "business"),
]

MARRIED = situation(
    "parents_married",
    "父母是否已登记结婚？",
    "Are the parents married?",
    option("yes", "已登记结婚", "Yes, married", add=["marriage_certificate"]),
    option(
        "no",
        "未登记结婚（非婚生育）",
        "No (born outside marriage)",
        add=["nonmarital_statement"],
        add_conditions=["nonmarital"],
    ),
)


def newborn_matters():
    birth_certificate = matter(
        1,
        "卫生健康委员会",
        "出生医学证明签发",
        name_en="Issuing the medical birth certificate",
        kind="confirmation",
        themes=["birth"],
        audiences=PERSON,
        keywords=["出生证", "出生证明", "宝宝出生证", "新生儿出生证明"],
        summary="为在本市助产机构出生的新生儿首次签发《出生医学证明》，是办理出生登记、参保的依据。",
        basis="《中华人民共和国母婴保健法》第二十三条；《中华人民共和国母婴保健法实施办法》第二十七条；"
        "《国家卫生健康委关于进一步做好出生医学证明管理工作的通知》",
        conditions=[
            condition("born_here", "新生儿在本市具有助产资质的医疗机构出生。"),
            condition("first_issue", "首次签发，新生儿此前未取得《出生医学证明》。"),
            condition("nonmarital", "非婚生育的，由母亲申请，父亲信息经亲子鉴定后方可填写。", True),
        ],
        legal=20,
        committed=3,
        depth="full",
        visits=0,
        result="《出生医学证明》（电子证照同步生成）",
        result_licence="birth_medical_certificate",
        process="parallel_review",
        involved=["公安局"],
        situations=[MARRIED],
        materials=[
            id_card("mother_id", "母亲"),
            id_card("father_id", "父亲", "conditional"),
            licence("marriage_certificate", "父母结婚证", "marriage_certificate", "conditional"),
            applicant(
                "birth_record",
                "《出生医学证明》首次签发登记表（助产机构填写）",
                "original",
                standard="由助产机构根据分娩记录填写，父母双方签字确认。",
            ),
            applicant(
                "nonmarital_statement",
                "非婚生育情况说明及亲子鉴定报告",
                "original",
                "conditional",
                standard="亲子鉴定报告由具有资质的司法鉴定机构出具。",
            ),
        ],
        form_schema=form(
            field("child_name", "新生儿姓名", "Baby's name", order=1, maxLength=20),
            choice("child_gender", "新生儿性别", "Baby's sex", ["男", "女"], 2),
            date_field("birth_date", "出生日期", "Date of birth", 3),
            field("hospital", "出生医疗机构", "Hospital of birth", order=4, maxLength=100),
            *person_fields("mother", "母亲", "Mother", 5),
            *person_fields("father", "父亲", "Father", 7),
            *contact_fields(9),
            optional=("father_name", "father_id_number"),
        ),
        faqs=[
            (
                "出生医学证明丢了可以补发吗？",
                "可以，向原签发机构申请补发，需提供父母身份证明及遗失声明。",
            )
        ],
    )
    birth_registration = matter(
        2,
        "公安局",
        "出生登记",
        name_en="Birth registration (household registration of a newborn)",
        kind="confirmation",
        themes=["birth", "household"],
        audiences=PERSON,
        keywords=[
            "新生儿落户",
            "新生儿上户口",
            "报户口",
            "宝宝上户口",
            "小孩落户",
            "生孩子",
            "入户",
        ],
        summary="为本市户籍居民新生育的子女办理户口登记，登记后可领取户口簿并申领居民身份证。",
        basis="《中华人民共和国户口登记条例》第七条；《示范省常住户口登记管理规定》第十二条",
        conditions=[
            condition("parent_resident", "父母一方为本市常住户口。"),
            condition(
                "registered_in_time", "婴儿出生后一个月以内申报出生登记；超过时限的仍可办理。"
            ),
            condition("nonmarital", "非婚生育的，可随父或随母落户，须提供亲子鉴定报告。", True),
        ],
        legal=20,
        committed=1,
        depth="full",
        visits=0,
        result="户口簿出生登记页（电子户籍信息同步更新）",
        process="parallel_review",
        involved=["卫生健康委员会"],
        situations=[
            MARRIED,
            situation(
                "birth_place",
                "孩子在哪里出生？",
                "Where was the baby born?",
                option("local", "在本市医疗机构出生", "At a hospital in the city"),
                option(
                    "elsewhere",
                    "在外地或境外出生",
                    "Elsewhere or abroad",
                    add=["paper_birth_certificate"],
                    remove=["birth_medical_certificate"],
                ),
            ),
            situation(
                "household_parent",
                "随父亲还是随母亲落户？",
                "Registered with the father or the mother?",
                option("father", "随父亲落户", "With the father"),
                option("mother", "随母亲落户", "With the mother"),
            ),
            agent_question(),
        ],
        materials=[
            licence("birth_medical_certificate", "《出生医学证明》", "birth_medical_certificate"),
            household_register("household_register", "落户方（父亲或母亲）"),
            id_card("parents_id", "父母双方"),
            licence("marriage_certificate", "父母结婚证", "marriage_certificate", "conditional"),
            applicant(
                "paper_birth_certificate",
                "《出生医学证明》原件（在外地出生的）或经认证的境外出生证明及中文译本",
                "original",
                "conditional",
            ),
            applicant(
                "nonmarital_statement",
                "非婚生育情况说明及亲子鉴定报告",
                "original",
                "conditional",
            ),
            power_of_attorney(),
        ],
        form_schema=form(
            field("child_name", "新生儿姓名", "Baby's name", order=1, maxLength=20),
            choice("child_gender", "新生儿性别", "Baby's sex", ["男", "女"], 2),
            date_field("birth_date", "出生日期", "Date of birth", 3),
            choice("household_parent", "随父/随母落户", "Registered with", ["父亲", "母亲"], 4),
            *person_fields("applicant", "申报人", "Applicant", 5),
            *contact_fields(7),
        ),
        faqs=[
            ("超过一个月没有申报怎么办？", "仍可申报出生登记，无需缴纳任何费用，也不会被处罚。"),
            ("出生登记需要到派出所吗？", "本市出生且已签发电子出生医学证明的，可全程网办，0跑腿。"),
        ],
    )
    resident_insurance = matter(
        3,
        "医疗保障局",
        "城乡居民基本医疗保险参保登记",
        name_en="Enrolling in basic medical insurance for urban and rural residents",
        kind="public_service",
        themes=["medical", "birth", "social-security"],
        audiences=PERSON,
        keywords=["居民医保", "医保参保", "新生儿医保", "宝宝医保", "城乡居民医保", "买医保"],
        summary="未参加职工医保的本市户籍居民、持本市居住证人员及新生儿办理城乡居民医保参保登记。",
        basis="《中华人民共和国社会保险法》第二十五条；《国务院关于整合城乡居民基本医疗保险制度的意见》"
        "（国发〔2016〕3号）",
        conditions=[
            condition("not_employee_insured", "未参加职工基本医疗保险。"),
            condition("resident", "本市户籍，或持有本市有效居住证。"),
            condition("newborn_in_time", "新生儿出生后90日内参保的，自出生之日起享受待遇。", True),
        ],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="参保登记信息（医保电子凭证可用）",
        situations=[
            situation(
                "insured_person",
                "为谁参保？",
                "Who is being insured?",
                option(
                    "newborn",
                    "新生儿",
                    "A newborn",
                    add=["birth_medical_certificate"],
                    remove=["id_card"],
                    add_conditions=["newborn_in_time"],
                ),
                option("resident", "其他城乡居民", "Another resident"),
            ),
            situation(
                "household",
                "参保人的户籍在哪里？",
                "Where is the insured person's household registered?",
                option("local", "本市户籍", "In the city"),
                option(
                    "non_local",
                    "外地户籍，持本市居住证",
                    "Elsewhere, with a residence permit",
                    add=["residence_permit"],
                ),
            ),
        ],
        materials=[
            id_card("id_card", "参保人"),
            licence(
                "birth_medical_certificate",
                "新生儿《出生医学证明》",
                "birth_medical_certificate",
                "conditional",
            ),
            household_register("household_register", "参保人（或新生儿监护人）"),
            licence("residence_permit", "本市居住证", "residence_permit", "conditional"),
        ],
        form_schema=form(
            *person_fields("insured", "参保人", "Insured person", 1),
            choice("payment_grade", "缴费档次", "Contribution grade", ["一档", "二档"], 3),
            *contact_fields(4),
        ),
        fees=[
            {
                "item": "城乡居民基本医疗保险个人缴费",
                "standard": "按年度缴费标准缴纳（2026年度每人每年400元），政府另行补助",
                "basis": "《示范省城乡居民基本医疗保险实施办法》",
                "waivable": True,
            }
        ],
    )
    social_security_card = matter(
        4,
        "人力资源和社会保障局",
        "社会保障卡申领",
        name_en="Applying for a social security card",
        kind="public_service",
        themes=["social-security", "birth"],
        audiences=PERSON,
        keywords=["社保卡", "办社保卡", "新生儿社保卡", "电子社保卡", "社会保障卡"],
        summary="参保人员首次申领第三代社会保障卡，可用于就医结算、待遇领取和身份凭证。",
        basis="《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》（人社部发〔2011〕47号）",
        conditions=[condition("insured", "已在本市参加社会保险，或为新生儿、在校学生等参保人员。")],
        legal=20,
        committed=5,
        depth="full",
        visits=0,
        result="第三代社会保障卡（实体卡邮寄，电子社保卡同步签发）",
        result_licence="social_security_card",
        situations=[
            situation(
                "applicant_age",
                "申领人是否未满16周岁？",
                "Is the card holder under 16?",
                option("adult", "已满16周岁，本人申领", "16 or older, applying in person"),
                option(
                    "minor",
                    "未满16周岁，由监护人代办",
                    "Under 16, a guardian applies",
                    add=["guardian_id", "household_register"],
                ),
            )
        ],
        materials=[
            id_card("id_card", "申领人"),
            photo(),
            id_card("guardian_id", "监护人", "conditional"),
            household_register("household_register", "监护关系证明（户口簿）", "conditional"),
            registry("insurance_record", "社会保险参保信息", "social_insurance", "enrolment"),
        ],
        form_schema=form(
            *person_fields("holder", "持卡人", "Card holder", 1),
            choice("delivery", "领卡方式", "Delivery", ["邮寄到家", "网点自取"], 3),
            *contact_fields(4),
        ),
        fees=[],
    )
    return [birth_certificate, birth_registration, resident_insurance, social_security_card]


def police_matters():
    talent_settlement = matter(
        5,
        "公安局",
        "户口迁移（人才引进落户）",
        name_en="Household transfer for recruited talent",
        kind="licensing",
        themes=["household", "employment"],
        audiences=PERSON,
        keywords=["人才落户", "落户", "迁户口", "人才引进户口", "毕业生落户", "迁入"],
        summary="经本市人才引进接收的人员，将户口迁入本市。",
        basis="《中华人民共和国户口登记条例》第十条；《示范市人才引进落户实施办法》第六条",
        conditions=[
            condition("accepted", "已取得本市人才引进接收函。"),
            condition("residence", "在本市有合法稳定住所，或落户单位集体户、人才集体户。"),
        ],
        legal=20,
        committed=5,
        depth="full",
        visits=0,
        result="准予迁入，户口簿（或集体户口登记卡）",
        situations=[
            situation(
                "housing",
                "落户到哪里？",
                "Where will the household be registered?",
                option(
                    "own",
                    "本人（或配偶）名下住房",
                    "A home owned by me or my spouse",
                    add=["property_record"],
                ),
                option(
                    "employer",
                    "工作单位集体户",
                    "My employer's collective household",
                    add=["collective_consent"],
                ),
                option(
                    "talent",
                    "人才集体户（租房）",
                    "The talent collective household (renting)",
                    add=["lease"],
                ),
            ),
            situation(
                "with_family",
                "配偶、未成年子女是否随迁？",
                "Do a spouse or children move too?",
                option("alone", "本人迁入", "Only me"),
                option(
                    "family",
                    "配偶或子女随迁",
                    "Spouse or children move too",
                    add=["marriage_certificate", "family_household"],
                ),
            ),
        ],
        materials=[
            licence("acceptance_letter", "人才引进接收函", "talent_acceptance_letter"),
            id_card(),
            registry("degree", "学历学位证书信息", "education", "degrees"),
            applicant("household_booklet_out", "原户口簿或户籍证明（外省迁入的）", "original"),
            registry("property_record", "不动产权证书信息", "property", "ownership", "conditional"),
            applicant("collective_consent", "单位集体户同意落户证明", "original", "conditional"),
            applicant("lease", "房屋租赁合同", "copy", "conditional"),
            licence("marriage_certificate", "结婚证", "marriage_certificate", "conditional"),
            applicant("family_household", "随迁人员户口簿、居民身份证", "copy", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("origin_address", "原户籍地址", "Current household address", "address", 3),
            field("destination_address", "迁入地址", "New household address", "address", 4),
            *contact_fields(5),
        ),
    )
    residence_permit = matter(
        6,
        "公安局",
        "居住证申领",
        name_en="Applying for a residence permit",
        kind="confirmation",
        themes=["household", "certificates"],
        audiences=PERSON,
        keywords=["居住证", "暂住证", "办居住证", "外地人居住证"],
        summary="离开常住户口所在地，在本市居住半年以上，并有合法稳定就业、稳定住所或连续就读的，可申领居住证。",
        basis="《居住证暂行条例》第二条、第九条",
        conditions=[
            condition("half_year", "在本市居住半年以上。"),
            condition("basis", "有合法稳定就业、合法稳定住所或连续就读三者之一。"),
        ],
        legal=15,
        committed=10,
        depth="pre_review",
        visits=1,
        result="《示范市居住证》（电子证照同步签发）",
        result_licence="residence_permit",
        situations=[
            situation(
                "basis",
                "在本市居住的依据是？",
                "What is your basis for residence?",
                option("work", "合法稳定就业", "Stable employment", add=["employment_proof"]),
                option("home", "合法稳定住所", "A stable home", add=["lease"]),
                option("study", "连续就读", "Studying", add=["enrolment_proof"]),
            )
        ],
        materials=[
            applicant(
                "id_card", "居民身份证", "original", standard="外省居民身份证原件，现场核验。"
            ),
            photo(),
            applicant("employment_proof", "劳动合同或营业执照", "copy", "conditional"),
            applicant("lease", "房屋租赁合同或住所证明", "copy", "conditional"),
            applicant("enrolment_proof", "学校出具的就读证明", "original", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("residence_address", "本市居住地址", "Address in the city", "address", 3),
            date_field("moved_in", "来本市居住日期", "Living in the city since", 4),
            *contact_fields(5),
        ),
    )
    no_criminal_record = matter(
        7,
        "公安局",
        "无犯罪记录证明开具",
        name_en="Certificate of no criminal record",
        kind="public_service",
        themes=["certificates"],
        audiences=PERSON,
        keywords=["无犯罪证明", "无犯罪记录", "良民证", "政审证明", "犯罪记录查询"],
        summary="为本人在本市的户籍居民或居住人员出具有无犯罪记录的证明，用于就业、出国等。",
        basis="《公安部关于印发〈公安机关办理犯罪记录查询工作规定〉的通知》（公通字〔2021〕19号）",
        conditions=[condition("local", "本市户籍人员或持本市居住证人员。")],
        legal=15,
        committed=3,
        depth="full",
        visits=0,
        result="《无犯罪记录证明》（电子版可验真）",
        situations=[agent_question()],
        materials=[id_card(), household_register(), power_of_attorney()],
        form_schema=form(
            *person_fields(start=1),
            choice("purpose", "用途", "Purpose", ["就业", "出国（境）", "入学", "其他"], 3),
            *contact_fields(4),
        ),
    )
    seal_filing = matter(
        8,
        "公安局",
        "公章刻制备案",
        name_en="Filing of company seal engraving",
        kind="filing",
        themes=["establishment"],
        audiences=BUSINESS,
        keywords=["刻章", "公章", "刻公章", "印章备案", "刻制印章"],
        summary="新设立企业刻制公章、财务章、发票专用章等印章的备案，企业开办时免费刻制首套印章。",
        basis="《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）；"
        "《印铸刻字业暂行管理规则》",
        conditions=[condition("registered", "已依法登记取得营业执照。")],
        legal=1,
        committed=1,
        depth="full",
        visits=0,
        result="公章备案证明（电子证照）",
        result_licence="seal_filing_certificate",
        situations=[agent_question()],
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            id_card("representative_id", "法定代表人"),
            applicant("seal_styles", "印章式样及刻制数量清单", "electronic"),
            power_of_attorney(),
        ],
        form_schema=form(
            *business_fields(1),
            multi_choice(
                "seals",
                "刻制印章",
                "Seals to engrave",
                ["公章", "财务专用章", "发票专用章", "合同专用章", "法定代表人名章"],
                6,
            ),
        ),
        fees=[
            {
                "item": "首套印章刻制费",
                "standard": "企业开办首套印章由政府购买服务，免费",
                "basis": "《示范市优化营商环境条例》第二十一条",
                "waivable": True,
            }
        ],
    )
    id_renewal = matter(
        9,
        "公安局",
        "居民身份证换领（有效期满）",
        name_en="Renewing an expiring resident identity card",
        kind="confirmation",
        themes=["certificates", "household"],
        audiences=PERSON,
        keywords=["换身份证", "身份证到期", "身份证过期", "换领身份证"],
        summary="居民身份证有效期满或即将期满的，换领新证。",
        basis="《中华人民共和国居民身份证法》第五条、第十一条",
        conditions=[condition("expiring", "居民身份证有效期满前三个月内或已过期。")],
        legal=60,
        committed=20,
        depth="pre_review",
        visits=1,
        result="居民身份证",
        materials=[id_card("old_card", "原"), household_register(), photo()],
        form_schema=form(*person_fields(start=1), *contact_fields(3)),
        fees=[
            {
                "item": "居民身份证工本费",
                "standard": "每证20元",
                "basis": "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》"
                "（发改价格〔2003〕2322号）",
                "waivable": False,
            }
        ],
    )
    return [talent_settlement, residence_permit, no_criminal_record, seal_filing, id_renewal]


def civil_affairs_matters():
    marriage = matter(
        10,
        "民政局",
        "结婚登记",
        name_en="Marriage registration",
        kind="confirmation",
        themes=["marriage"],
        audiences=PERSON,
        keywords=["领结婚证", "结婚证", "登记结婚", "领证", "婚姻登记"],
        summary="内地居民男女双方自愿结婚的，共同到婚姻登记机关申请结婚登记。实行“全国通办”试点。",
        basis="《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条",
        conditions=[
            condition("age", "男方年满22周岁，女方年满20周岁。"),
            condition(
                "voluntary", "双方完全自愿，均无配偶，且没有直系血亲和三代以内旁系血亲关系。"
            ),
            condition("in_person", "双方须共同亲自到场，不能委托他人代办。"),
        ],
        legal=1,
        committed=1,
        depth="pre_review",
        visits=1,
        result="《结婚证》（电子证照同步签发）",
        result_licence="marriage_certificate",
        situations=[
            situation(
                "household",
                "双方的户籍情况？",
                "Where are the couple's households registered?",
                option("local", "至少一方为本市户籍", "At least one in the city"),
                option(
                    "residence",
                    "双方均非本市户籍，一方持本市居住证",
                    "Neither, but one holds a residence permit",
                    add=["residence_permit"],
                ),
            )
        ],
        materials=[
            household_register("household_register", "双方"),
            applicant("id_cards", "双方居民身份证", "original", standard="现场核验原件。"),
            applicant(
                "photos", "双方近期半身免冠合影照片", "original", copies=3, standard="2寸红底合影。"
            ),
            applicant(
                "declaration",
                "《申请结婚登记声明书》",
                "original",
                standard="双方在婚姻登记员面前亲自签名。",
                blank_form="/static/catalog/forms/marriage_declaration.html",
            ),
            licence("residence_permit", "本市居住证", "residence_permit", "conditional"),
        ],
        form_schema=form(
            *person_fields("party_a", "男方", "Groom", 1),
            *person_fields("party_b", "女方", "Bride", 3),
            date_field("appointment", "预约登记日期", "Appointment date", 5),
            *contact_fields(6),
        ),
        fees=[],
    )
    marriage_record = matter(
        11,
        "民政局",
        "婚姻登记记录证明",
        name_en="Certificate of marriage registration records",
        kind="public_service",
        themes=["marriage", "certificates"],
        audiences=PERSON,
        keywords=["婚姻状况证明", "单身证明", "未婚证明", "婚姻记录查询"],
        summary="出具本人在婚姻登记信息系统中的婚姻登记记录证明，用于购房、贷款、公证等。",
        basis="《民政部关于贯彻落实〈国务院关于第三批取消中央指定地方实施行政许可事项的决定〉的通知》",
        conditions=[condition("self", "由本人申请查询本人的婚姻登记记录。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="《婚姻登记记录证明》（电子版）",
        instant=True,
        materials=[id_card(), registry("marriage_record", "婚姻登记记录", "marriage", "records")],
        form_schema=form(
            *person_fields(start=1),
            choice("purpose", "用途", "Purpose", ["购房", "贷款", "公证", "其他"], 3),
            *contact_fields(4),
        ),
    )
    senior_card = matter(
        12,
        "民政局",
        "老年人优待证办理",
        name_en="Senior citizen privilege card",
        kind="public_service",
        themes=["elderly"],
        audiences=PERSON,
        keywords=["老年卡", "老人证", "老年证", "长者证", "敬老卡", "老年优待证", "老年人证"],
        summary="年满60周岁的老年人申领老年人优待证，凭证享受乘车、游览、就医等优待。",
        basis="《中华人民共和国老年人权益保障法》第五十七条；《示范省老年人优待办法》第五条",
        conditions=[
            condition("age", "年满60周岁。"),
            condition("resident", "本市户籍，或持有本市居住证的外地户籍老年人。"),
        ],
        legal=10,
        committed=1,
        depth="full",
        visits=0,
        result="《老年人优待证》（电子证照，实体卡可选邮寄）",
        result_licence="senior_card",
        instant=True,
        decision="senior-card-eligibility",
        situations=[
            situation(
                "household",
                "户籍在哪里？",
                "Where is your household registered?",
                option("local", "本市户籍", "In the city"),
                option(
                    "non_local",
                    "外地户籍，持本市居住证",
                    "Elsewhere, with a residence permit",
                    add=["residence_permit"],
                    remove=["household_register"],
                ),
            ),
            agent_question(),
        ],
        materials=[
            id_card(),
            household_register(),
            photo(),
            licence("residence_permit", "本市居住证", "residence_permit", "conditional"),
            power_of_attorney(),
        ],
        form_schema=form(
            *person_fields(start=1),
            choice(
                "card", "是否需要实体卡", "Physical card", ["仅电子证", "电子证并邮寄实体卡"], 3
            ),
            *contact_fields(4),
        ),
        faqs=[("外地户籍老人可以办吗？", "持本市居住证的外地户籍老年人可以办理，享受同等优待。")],
    )
    minimum_living = matter(
        13,
        "民政局",
        "最低生活保障申请",
        name_en="Applying for minimum living allowance (dibao)",
        kind="payment",
        themes=["assistance"],
        audiences=PERSON,
        keywords=["低保", "申请低保", "最低生活保障", "困难补助", "生活困难"],
        summary="共同生活的家庭成员人均收入低于本市最低生活保障标准，且财产状况符合规定的，可申请低保。",
        basis="《社会救助暂行办法》第九条至第十二条；《最低生活保障审核确认办法》（民发〔2021〕57号）",
        conditions=[
            condition(
                "income", "家庭人均月收入低于本市城乡低保标准（2026年：城市每人每月850元）。"
            ),
            condition("assets", "家庭财产状况符合本市规定（无非居住类房产、无机动车等）。"),
            condition("resident", "申请人为本市户籍。"),
            condition("disabled", "家庭中有重度残疾人的，可单独提出申请（单人户施保）。", True),
        ],
        legal=30,
        committed=20,
        depth="full",
        visits=0,
        result="低保审核确认决定及低保金发放",
        process="parallel_review",
        involved=["人力资源和社会保障局"],
        situations=[
            situation(
                "disabled_member",
                "家庭成员中是否有持证残疾人？",
                "Does a family member hold a disability card?",
                option("yes", "有", "Yes", add=["disability_card"], add_conditions=["disabled"]),
                option("no", "没有", "No"),
            ),
            situation(
                "unemployed",
                "家庭成员中是否有失业人员？",
                "Is a family member unemployed?",
                option("yes", "有", "Yes", add=["unemployment_record"]),
                option("no", "没有", "No"),
            ),
        ],
        materials=[
            id_card("id_card", "家庭成员"),
            household_register("household_register", "家庭"),
            applicant(
                "income_statement",
                "家庭收入及财产状况申报表",
                "original",
                standard="如实申报，全体家庭成员签字。",
                blank_form="/static/catalog/forms/dibao_income.html",
            ),
            applicant(
                "authorization",
                "家庭经济状况核对授权书",
                "original",
                standard="全体成年家庭成员签字。",
            ),
            registry("property_check", "家庭成员不动产登记信息", "property", "ownership"),
            licence("disability_card", "残疾人证", "disability_card", "conditional"),
            registry(
                "unemployment_record",
                "失业登记及社会保险信息",
                "social_insurance",
                "unemployment",
                "conditional",
            ),
        ],
        form_schema=form(
            *person_fields(start=1),
            field(
                "family_size",
                "共同生活家庭人口",
                "Household size",
                "number",
                3,
                type="integer",
                minimum=1,
                maximum=20,
            ),
            field(
                "monthly_income",
                "家庭月总收入（元）",
                "Household monthly income (yuan)",
                "number",
                4,
                type="number",
                minimum=0,
            ),
            field("reason", "申请理由", "Why you apply", "textarea", 5),
            *contact_fields(6),
        ),
    )
    disability_subsidies = matter(
        14,
        "民政局",
        "残疾人两项补贴申请",
        name_en="Living subsidy for poor disabled people and nursing subsidy for severely "
        "disabled people",
        kind="payment",
        themes=["disability", "assistance"],
        audiences=PERSON,
        keywords=["两项补贴", "残疾人补贴", "护理补贴", "生活补贴", "重度残疾护理"],
        summary="困难残疾人生活补贴和重度残疾人护理补贴的申请。",
        basis="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        conditions=[
            condition("card", "持有第二代《中华人民共和国残疾人证》。"),
            condition("resident", "本市户籍。"),
            condition("poor", "生活补贴：低保家庭中的残疾人。", True),
            condition("severe", "护理补贴：残疾等级为一级、二级且需要长期照护。", True),
        ],
        legal=30,
        committed=15,
        depth="full",
        visits=0,
        result="补贴审批决定，按月发放",
        process="parallel_review",
        involved=["残疾人联合会"],
        situations=[
            situation(
                "subsidy",
                "申请哪项补贴？",
                "Which subsidy?",
                option(
                    "living",
                    "困难残疾人生活补贴",
                    "Living subsidy",
                    add=["dibao_record"],
                    add_conditions=["poor"],
                ),
                option(
                    "nursing", "重度残疾人护理补贴", "Nursing subsidy", add_conditions=["severe"]
                ),
            ),
            agent_question(),
        ],
        materials=[
            licence("disability_card", "残疾人证", "disability_card"),
            id_card(),
            household_register(),
            registry("disability_record", "残疾等级信息", "disability", "grade"),
            applicant(
                "dibao_record", "低保证明（本市低保家庭的由系统核验）", "electronic", "conditional"
            ),
            power_of_attorney(),
        ],
        form_schema=form(*person_fields(start=1), *contact_fields(3)),
    )
    longevity = matter(
        15,
        "民政局",
        "高龄津贴申领",
        name_en="Longevity allowance for people aged 80 and over",
        kind="payment",
        themes=["elderly"],
        audiences=PERSON,
        keywords=["高龄补贴", "老人补贴", "80岁补贴", "长寿金", "高龄津贴"],
        summary="年满80周岁的本市户籍老年人按月领取高龄津贴。",
        basis="《中华人民共和国老年人权益保障法》第三十三条；《示范省高龄津贴发放办法》",
        conditions=[condition("age", "年满80周岁。"), condition("resident", "本市户籍。")],
        legal=20,
        committed=10,
        depth="full",
        visits=0,
        result="高龄津贴按月发放至社会保障卡",
        situations=[agent_question()],
        materials=[
            id_card(),
            household_register(),
            licence("ss_card", "社会保障卡（发放账户）", "social_security_card"),
            power_of_attorney(),
        ],
        form_schema=form(*person_fields(start=1), *contact_fields(3)),
    )
    return [marriage, marriage_record, senior_card, minimum_living, disability_subsidies, longevity]


def health_matters():
    fever_clinics = matter(
        16,
        "卫生健康委员会",
        "发热门诊查询",
        name_en="Finding a fever clinic",
        kind="public_service",
        themes=["medical"],
        audiences=PERSON,
        keywords=["发热门诊", "发烧去哪看", "发烧门诊", "哪里看发烧"],
        summary="查询本市二级以上医疗机构发热门诊的地址、开诊时间和联系电话。",
        basis="《中华人民共和国基本医疗卫生与健康促进法》第二十条",
        conditions=[condition("anyone", "面向所有公众，无需登录。")],
        legal=0,
        committed=0,
        depth="full",
        visits=0,
        result="发热门诊名单（实时）",
        no_materials=True,
        materials=[],
        form_schema={},
    )
    birth_registration_service = matter(
        17,
        "卫生健康委员会",
        "生育登记",
        name_en="Registering a birth plan (fertility registration)",
        kind="public_service",
        themes=["birth"],
        audiences=PERSON,
        keywords=["生育服务登记", "准生证", "怀孕登记", "一孩登记", "二孩登记", "三孩登记"],
        summary="夫妻生育子女的，在孕前或孕期办理生育登记，用于享受生育保险和孕产期保健服务。",
        basis="《中华人民共和国人口与计划生育法》第十八条；《示范省人口与计划生育条例》",
        conditions=[condition("couple", "夫妻一方为本市户籍，或在本市居住。")],
        legal=5,
        committed=0,
        depth="full",
        visits=0,
        result="生育登记回执（电子）",
        instant=False,
        materials=[
            id_card("couple_id", "夫妻双方"),
            licence("marriage_certificate", "结婚证", "marriage_certificate"),
        ],
        form_schema=form(
            *person_fields("wife", "女方", "Wife", 1),
            *person_fields("husband", "男方", "Husband", 3),
            choice("child_order", "拟生育孩次", "Which child", ["一孩", "二孩", "三孩"], 5),
            *contact_fields(6),
        ),
    )
    public_hygiene = matter(
        18,
        "卫生健康委员会",
        "公共场所卫生许可",
        name_en="Public place hygiene licence",
        kind="licensing",
        themes=["permits"],
        audiences=BUSINESS,
        keywords=["卫生许可证", "公共场所许可", "美容美发卫生许可", "宾馆卫生许可"],
        summary="宾馆、美容美发、游泳场所等公共场所经营者申请卫生许可。",
        basis="《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
        conditions=[
            condition("licensed", "已取得营业执照。"),
            condition("facilities", "场所设施、布局符合卫生标准和要求。"),
        ],
        legal=20,
        committed=10,
        depth="pre_review",
        visits=1,
        result="《公共场所卫生许可证》",
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            id_card("representative_id", "法定代表人"),
            applicant("layout", "场所平面布局图", "electronic"),
            applicant("hygiene_rules", "卫生管理制度", "electronic"),
        ],
        form_schema=form(
            *business_fields(1), field("premises", "经营场所地址", "Premises", "address", 6)
        ),
    )
    return [fever_clinics, birth_registration_service, public_hygiene]


def labour_matters():
    graduate_acceptance = matter(
        19,
        "人力资源和社会保障局",
        "高校毕业生接收（人才引进）",
        name_en="Acceptance of university graduates (talent introduction)",
        kind="public_service",
        themes=["employment"],
        audiences=PERSON,
        keywords=["人才引进", "毕业生接收", "接收函", "人才接收", "大学生落户", "人才认定"],
        summary="全日制普通高校本科及以上学历毕业生到本市就业的，出具人才引进接收函，凭函办理落户。",
        basis="《示范市人才引进落户实施办法》第四条；《人力资源社会保障部关于做好高校毕业生就业工作的通知》",
        conditions=[
            condition("degree", "取得全日制普通高校本科及以上学历学位。"),
            condition("employed", "已与本市用人单位签订劳动合同并在本市参加社会保险。"),
            condition("age", "年龄在45周岁以下。"),
        ],
        legal=10,
        committed=1,
        depth="full",
        visits=0,
        result="《人才引进接收函》（电子证照）",
        result_licence="talent_acceptance_letter",
        instant=True,
        decision="graduate-acceptance",
        situations=[
            situation(
                "graduated_abroad",
                "是否为境外高校毕业？",
                "Did you graduate abroad?",
                option("no", "境内高校毕业", "In China"),
                option("yes", "境外高校毕业", "Abroad", add=["foreign_degree"], remove=["degree"]),
            )
        ],
        materials=[
            id_card(),
            registry("degree", "学历学位证书信息", "education", "degrees"),
            applicant(
                "foreign_degree",
                "教育部留学服务中心国（境）外学历学位认证书",
                "electronic",
                "conditional",
            ),
            applicant(
                "labour_contract",
                "劳动合同",
                "electronic",
                standard="与本市用人单位签订，期限一年以上。",
            ),
            registry("insurance_record", "本市社会保险参保信息", "social_insurance", "enrolment"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("employer", "就业单位名称", "Employer", order=3),
            field("school", "毕业院校", "University", order=4),
            choice("degree_level", "学历层次", "Degree", ["学士", "硕士", "博士"], 5),
            *contact_fields(6),
        ),
    )
    unemployment = matter(
        20,
        "人力资源和社会保障局",
        "失业保险金申领",
        name_en="Claiming unemployment insurance benefits",
        kind="payment",
        themes=["employment", "social-security"],
        audiences=PERSON,
        keywords=["失业金", "领失业金", "失业补助", "失业保险", "被裁员"],
        summary="非因本人意愿中断就业、失业前单位和本人已缴纳失业保险费满一年的，可申领失业保险金。",
        basis="《中华人民共和国社会保险法》第四十五条；《失业保险条例》第十四条",
        conditions=[
            condition("paid_a_year", "失业前用人单位和本人已缴纳失业保险费满一年。"),
            condition("involuntary", "非因本人意愿中断就业。"),
            condition("registered", "已进行失业登记，并有求职要求。"),
        ],
        legal=10,
        committed=3,
        depth="full",
        visits=0,
        result="失业保险金按月发放至社会保障卡",
        situations=[
            situation(
                "contract_end",
                "劳动关系是怎样结束的？",
                "How did your job end?",
                option(
                    "terminated",
                    "单位解除或终止劳动合同",
                    "The employer ended it",
                    add=["termination_proof"],
                ),
                option(
                    "bankruptcy",
                    "单位破产或被依法关闭",
                    "The employer went bankrupt",
                    add=["bankruptcy_proof"],
                ),
            )
        ],
        materials=[
            id_card(),
            licence("ss_card", "社会保障卡（发放账户）", "social_security_card"),
            registry("insurance_record", "失业保险缴费记录", "social_insurance", "unemployment"),
            applicant("termination_proof", "解除或终止劳动合同的证明", "electronic", "conditional"),
            applicant("bankruptcy_proof", "法院破产裁定书或关闭决定", "copy", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            date_field("last_day", "最后工作日", "Last working day", 3),
            field("former_employer", "原工作单位", "Former employer", order=4),
            *contact_fields(5),
        ),
    )
    retirement = matter(
        21,
        "人力资源和社会保障局",
        "职工退休申请",
        name_en="Applying for retirement (employees)",
        kind="confirmation",
        themes=["social-security", "elderly"],
        audiences=PERSON,
        keywords=["办退休", "退休手续", "退休审批", "领养老金", "养老金申领", "到龄退休"],
        summary="参加职工基本养老保险、达到法定退休年龄且累计缴费满15年的职工，办理退休并按月领取基本养老金。",
        basis="《中华人民共和国社会保险法》第十六条；《国务院关于渐进式延迟法定退休年龄的办法》；"
        "《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）",
        conditions=[
            condition("age", "达到法定退休年龄（按渐进式延迟退休办法计算）。"),
            condition("fifteen_years", "基本养老保险累计缴费年限满15年。"),
            condition("special", "特殊工种提前退休的，从事特殊工种工作年限符合规定。", True),
        ],
        legal=20,
        committed=10,
        depth="full",
        visits=0,
        result="退休审批表、基本养老金核定通知",
        situations=[
            situation(
                "retirement_type",
                "属于哪种退休？",
                "Which kind of retirement?",
                option("normal", "正常退休", "At the statutory age"),
                option(
                    "special",
                    "特殊工种提前退休",
                    "Early: hazardous work",
                    add=["special_work_proof"],
                    add_conditions=["special"],
                ),
                option(
                    "illness",
                    "因病或非因工致残提前退休",
                    "Early: illness or disability",
                    add=["capacity_assessment"],
                ),
            )
        ],
        materials=[
            id_card(),
            registry("insurance_record", "养老保险缴费记录", "social_insurance", "pension"),
            applicant(
                "personnel_file",
                "职工本人档案（由单位提交）",
                "original",
                standard="档案材料齐全，出生时间以档案最早记载为准。",
            ),
            applicant("special_work_proof", "特殊工种工作经历证明材料", "original", "conditional"),
            applicant("capacity_assessment", "劳动能力鉴定结论书", "original", "conditional"),
            licence("ss_card", "社会保障卡（养老金发放账户）", "social_security_card"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("employer", "所在单位", "Employer", order=3),
            date_field("retirement_date", "拟退休日期", "Planned retirement date", 4),
            *contact_fields(5),
        ),
    )
    contribution_proof = matter(
        22,
        "人力资源和社会保障局",
        "个人社保缴费证明打印",
        name_en="Printing a personal social insurance contribution record",
        kind="public_service",
        themes=["social-security", "certificates"],
        audiences=PERSON,
        keywords=["社保证明", "社保缴费证明", "社保缴费记录", "打印社保", "参保证明", "社保清单"],
        summary="参保人员在线查询并打印本人社会保险参保缴费证明，带电子签章，可在线验真。",
        basis="《中华人民共和国社会保险法》第七十四条",
        conditions=[condition("insured", "在本市参加过社会保险。")],
        legal=0,
        committed=0,
        depth="full",
        visits=0,
        result="《社会保险个人参保证明》（电子版，带电子签章）",
        instant=True,
        decision="contribution-proof",
        materials=[
            id_card(),
            registry("insurance_record", "社会保险缴费记录", "social_insurance", "contributions"),
        ],
        form_schema=form(
            *person_fields(start=1),
            date_field("from_date", "证明起始月份", "From", 3),
            date_field("to_date", "证明截止月份", "To", 4),
        ),
    )
    employment_registration = matter(
        23,
        "人力资源和社会保障局",
        "就业登记",
        name_en="Employment registration",
        kind="public_service",
        themes=["employment"],
        audiences=PERSON,
        keywords=["就业登记", "入职登记", "就业创业证"],
        summary="劳动者与用人单位建立劳动关系后，由用人单位或本人办理就业登记。",
        basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》第六十二条",
        conditions=[condition("employed", "已与本市用人单位建立劳动关系。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="就业登记信息（电子《就业创业证》）",
        materials=[id_card(), applicant("labour_contract", "劳动合同", "electronic")],
        form_schema=form(
            *person_fields(start=1),
            field("employer", "用人单位名称", "Employer", order=3),
            date_field("start_date", "入职日期", "Start date", 4),
        ),
    )
    flexible_insurance = matter(
        24,
        "人力资源和社会保障局",
        "灵活就业人员参保登记",
        name_en="Social insurance for the self-employed and flexible workers",
        kind="public_service",
        themes=["social-security", "employment"],
        audiences=PERSON,
        keywords=["灵活就业社保", "个人交社保", "自由职业社保", "个体社保"],
        summary="无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员参加职工养老保险。",
        basis="《中华人民共和国社会保险法》第十条、第二十三条",
        conditions=[condition("age", "年满16周岁，未达到法定退休年龄。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="参保登记信息",
        materials=[id_card(), household_register("household_register", "申请人", "optional")],
        form_schema=form(
            *person_fields(start=1),
            choice(
                "base",
                "缴费基数档次",
                "Contribution base",
                ["60%", "80%", "100%", "150%", "200%", "300%"],
                3,
                "select",
            ),
            *contact_fields(4),
        ),
    )
    return [
        graduate_acceptance,
        unemployment,
        retirement,
        contribution_proof,
        employment_registration,
        flexible_insurance,
    ]


def medical_matters():
    cross_region = matter(
        25,
        "医疗保障局",
        "异地就医备案",
        name_en="Registering for medical treatment in another region",
        kind="public_service",
        themes=["medical"],
        audiences=PERSON,
        keywords=["异地就医", "外地看病", "跨省就医备案", "异地医保", "外地住院报销"],
        summary="参保人员异地长期居住、临时外出就医或转诊的，备案后可在就医地直接结算。",
        basis="《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》"
        "（医保发〔2022〕22号）",
        conditions=[
            condition("insured", "在本市参加基本医疗保险且参保状态正常。"),
            condition("long_stay", "异地长期居住：在就医地居住6个月以上。", True),
        ],
        legal=5,
        committed=0,
        depth="full",
        visits=0,
        result="备案回执（即时生效）",
        instant=True,
        decision="cross-region-medical",
        situations=[
            situation(
                "reason",
                "为什么要在外地就医？",
                "Why will you be treated elsewhere?",
                option(
                    "long_stay",
                    "异地长期居住（含异地安置退休、常驻异地工作）",
                    "Living there long-term",
                    add=["residence_commitment"],
                    add_conditions=["long_stay"],
                ),
                option("referral", "转诊转院", "Referred by a doctor", add=["referral"]),
                option("temporary", "临时外出就医", "Treatment while travelling"),
            )
        ],
        materials=[
            licence("ss_card", "社会保障卡", "social_security_card"),
            registry("medical_record", "医保参保信息", "medical_insurance", "enrolment"),
            applicant(
                "residence_commitment",
                "异地长期居住个人承诺书",
                "electronic",
                "conditional",
                blank_form="/static/catalog/forms/residence_commitment.html",
            ),
            applicant("referral", "本市定点医疗机构出具的转诊证明", "electronic", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("destination", "就医地（省、市）", "Where you will be treated", order=3),
            date_field("start_date", "备案开始日期", "From", 4),
            *contact_fields(5),
        ),
    )
    manual_claim = matter(
        26,
        "医疗保障局",
        "医疗费用手工报销",
        name_en="Claiming medical expenses (manual reimbursement)",
        kind="payment",
        themes=["medical"],
        audiences=PERSON,
        keywords=["医保报销", "看病报销", "住院报销", "医药费报销", "手工报销"],
        summary="参保人员因故未能直接结算的医疗费用，凭票据申请医保报销。",
        basis="《中华人民共和国社会保险法》第二十八条、第二十九条；《医疗保障基金使用监督管理条例》",
        conditions=[
            condition("insured", "就医时在本市参加基本医疗保险且参保状态正常。"),
            condition("within_year", "费用发生之日起一年内申请。"),
        ],
        legal=30,
        committed=15,
        depth="pre_review",
        visits=1,
        result="报销金额核定并发放至社会保障卡",
        situations=[
            situation(
                "care_type",
                "是门诊还是住院费用？",
                "Outpatient or inpatient costs?",
                option("outpatient", "门诊", "Outpatient"),
                option("inpatient", "住院", "Inpatient", add=["discharge_summary"]),
            ),
            situation(
                "injury",
                "是否因意外伤害就医？",
                "Was it an accidental injury?",
                option("no", "否", "No"),
                option("yes", "是", "Yes", add=["injury_statement"]),
            ),
        ],
        materials=[
            licence("ss_card", "社会保障卡", "social_security_card"),
            applicant(
                "invoices",
                "医疗费用收费票据",
                "original",
                standard="医疗机构开具的电子或纸质票据原件。",
            ),
            applicant("itemized_list", "费用明细清单", "original"),
            applicant("discharge_summary", "出院记录（出院小结）", "copy", "conditional"),
            applicant("injury_statement", "意外伤害经过说明", "original", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("hospital", "就诊医疗机构", "Hospital", order=3),
            field(
                "amount",
                "费用总额（元）",
                "Total amount (yuan)",
                "number",
                4,
                type="number",
                minimum=0,
            ),
            *contact_fields(5),
        ),
    )
    retiree_medical = matter(
        27,
        "医疗保障局",
        "职工医保退休人员待遇核定",
        name_en="Determining medical insurance benefits on retirement",
        kind="confirmation",
        themes=["medical", "elderly"],
        audiences=PERSON,
        keywords=["退休医保", "医保退休", "退休后医保", "医保视同缴费"],
        summary="职工办理退休时，核定其职工医保累计缴费年限，符合条件的退休后不再缴费、享受退休人员医保待遇。",
        basis="《中华人民共和国社会保险法》第二十七条；《示范省职工基本医疗保险办法》",
        conditions=[
            condition("years", "职工医保累计缴费（含视同缴费）满25年，其中实际缴费满10年。")
        ],
        legal=20,
        committed=5,
        depth="full",
        visits=0,
        result="退休人员医保待遇核定结果",
        materials=[
            id_card(),
            registry("medical_record", "职工医保缴费记录", "medical_insurance", "contributions"),
            registry("retirement_record", "退休审批信息", "social_insurance", "pension"),
        ],
        form_schema=form(*person_fields(start=1), *contact_fields(3)),
    )
    return [cross_region, manual_claim, retiree_medical]


def market_matters():
    sole_trader = matter(
        28,
        "市场监督管理局",
        "个体工商户设立登记",
        name_en="Registering a sole proprietorship (individual business)",
        kind="licensing",
        themes=["establishment"],
        audiences=[*PERSON, *BUSINESS],
        keywords=["个体户", "办个体户", "个体营业执照", "开店执照", "摆摊执照", "个体经营"],
        summary="有经营能力的自然人从事工商业经营的，申请个体工商户设立登记，领取营业执照。",
        basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第三条、第十六条",
        conditions=[
            condition("capacity", "经营者为有经营能力的自然人。"),
            condition("premises", "有固定的经营场所（或经批准的网络经营场所）。"),
        ],
        legal=3,
        committed=1,
        depth="full",
        visits=0,
        result="营业执照（电子营业执照同步发放）",
        result_licence="business_licence",
        situations=[
            situation(
                "premises",
                "经营场所是？",
                "What are the premises?",
                option("own", "经营者自有房产", "Owned by the operator", add=["property_record"]),
                option("rented", "租赁的房屋", "Rented", add=["lease"]),
                option("online", "仅从事网络经营", "Online only", add=["online_store"]),
            ),
            agent_question(),
        ],
        materials=[
            id_card("operator_id", "经营者"),
            applicant(
                "application",
                "个体工商户登记（备案）申请书",
                "electronic",
                blank_form="/static/catalog/forms/sole_trader.html",
            ),
            registry(
                "property_record", "经营场所不动产权属信息", "property", "ownership", "conditional"
            ),
            applicant("lease", "经营场所租赁合同", "electronic", "conditional"),
            applicant("online_store", "网络经营场所（网店）信息截图", "electronic", "conditional"),
            power_of_attorney(),
        ],
        form_schema=form(
            *person_fields("operator", "经营者", "Operator", 1),
            field(
                "trade_name",
                "个体工商户名称（可不填）",
                "Trade name (optional)",
                order=3,
                maxLength=50,
            ),
            field("scope", "经营范围", "Business scope", "textarea", 4),
            field("premises_address", "经营场所", "Premises", "address", 5),
            *contact_fields(6),
            optional=("trade_name",),
        ),
    )
    company = matter(
        29,
        "市场监督管理局",
        "有限责任公司设立登记",
        name_en="Registering a limited liability company",
        kind="licensing",
        themes=["establishment"],
        audiences=BUSINESS,
        keywords=["开公司", "注册公司", "公司注册", "企业开办", "营业执照", "成立公司", "办执照"],
        summary="设立有限责任公司，申请设立登记，领取营业执照；同时办理公章刻制、涉税事项等（企业开办一件事）。",
        basis="《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第八条、第十六条",
        conditions=[
            condition("shareholders", "股东人数不超过五十人，认缴出资额符合公司法规定。"),
            condition("name", "企业名称经自主申报且符合规定。"),
            condition("address", "有公司住所。"),
        ],
        legal=3,
        committed=1,
        depth="full",
        visits=0,
        result="营业执照（电子营业执照同步发放）",
        result_licence="business_licence",
        process="parallel_review",
        involved=["公安局", "税务局"],
        situations=[
            situation(
                "shareholder_type",
                "股东是自然人还是企业？",
                "Are the shareholders people or companies?",
                option("people", "全部为自然人", "All individuals", add=["shareholder_ids"]),
                option(
                    "companies",
                    "含企业法人股东",
                    "At least one company",
                    add=["shareholder_ids", "shareholder_licences"],
                ),
            ),
            situation(
                "premises",
                "公司住所是？",
                "What are the company's premises?",
                option("own", "股东自有房产", "Owned by a shareholder", add=["property_record"]),
                option("rented", "租赁的房屋", "Rented", add=["lease"]),
            ),
        ],
        materials=[
            applicant(
                "application",
                "公司登记（备案）申请书",
                "electronic",
                blank_form="/static/catalog/forms/company.html",
            ),
            applicant("articles", "公司章程", "electronic", standard="全体股东签署（电子签名）。"),
            id_card("shareholder_ids", "自然人股东", "conditional"),
            licence("shareholder_licences", "企业股东营业执照", "business_licence", "conditional"),
            id_card("representative_id", "法定代表人、董事、监事、经理"),
            applicant("appointments", "法定代表人、董事、监事和经理的任职文件", "electronic"),
            registry(
                "property_record", "住所不动产权属信息", "property", "ownership", "conditional"
            ),
            applicant("lease", "住所租赁合同", "electronic", "conditional"),
        ],
        form_schema=form(
            field("company_name", "企业名称", "Company name", order=1, maxLength=100),
            field(
                "registered_capital",
                "注册资本（万元）",
                "Registered capital (10,000 yuan)",
                "number",
                2,
                type="number",
                minimum=0,
            ),
            field("scope", "经营范围", "Business scope", "textarea", 3),
            field("premises_address", "住所", "Registered address", "address", 4),
            *person_fields("representative", "法定代表人", "Legal representative", 5),
            *contact_fields(7),
        ),
    )
    food = matter(
        30,
        "市场监督管理局",
        "食品经营许可",
        name_en="Food business licence",
        kind="licensing",
        themes=["permits"],
        audiences=BUSINESS,
        keywords=["食品许可证", "餐饮许可证", "开饭店", "开餐馆许可", "食品经营许可证", "卖食品"],
        summary="从事食品销售和餐饮服务的经营者申请食品经营许可；仅销售预包装食品的实行备案。",
        basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        conditions=[
            condition("licensed", "已取得营业执照。"),
            condition("premises", "具有与经营的食品品种、数量相适应的经营场所和设施。"),
            condition("manager", "有专职或兼职的食品安全管理人员和保证食品安全的规章制度。"),
        ],
        legal=10,
        committed=5,
        depth="pre_review",
        visits=1,
        result="《食品经营许可证》（电子证书）",
        situations=[
            situation(
                "business_kind",
                "经营什么？",
                "What will you sell?",
                option("catering", "餐饮服务", "Catering", add=["layout", "equipment"]),
                option("sales", "食品销售（含散装食品）", "Food retail"),
            ),
            situation(
                "online",
                "是否通过网络经营？",
                "Will you sell online?",
                option("no", "否", "No"),
                option("yes", "是", "Yes", add=["online_info"]),
            ),
        ],
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            id_card("representative_id", "法定代表人（负责人）"),
            applicant("application", "食品经营许可申请书", "electronic"),
            applicant(
                "layout", "经营场所平面图和设备布局、操作流程图", "electronic", "conditional"
            ),
            applicant("equipment", "主要设备设施清单", "electronic", "conditional"),
            applicant("safety_rules", "食品安全管理制度", "electronic"),
            applicant("online_info", "网络经营网站或网店信息", "electronic", "conditional"),
        ],
        form_schema=form(
            *business_fields(1),
            field("premises", "经营场所", "Premises", "address", 6),
            field("food_safety_manager", "食品安全管理人员", "Food safety manager", order=7),
        ),
    )
    deregistration = matter(
        31,
        "市场监督管理局",
        "企业简易注销登记",
        name_en="Simplified deregistration of a company",
        kind="licensing",
        themes=["closure"],
        audiences=BUSINESS,
        keywords=["公司注销", "注销公司", "简易注销", "关闭公司"],
        summary="未发生债权债务或已将债权债务清偿完结的企业，通过简易程序办理注销登记。",
        basis="《中华人民共和国市场主体登记管理条例》第三十三条",
        conditions=[
            condition(
                "no_debts", "未发生债权债务或已清偿完结，清偿费用、职工工资、社会保险费用等已结清。"
            ),
            condition("announced", "已在国家企业信用信息公示系统公示20日，无异议。"),
        ],
        legal=3,
        committed=1,
        depth="full",
        visits=0,
        result="准予注销登记通知书",
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            registry("market_record", "市场主体登记信息", "market_entity", "registration"),
            applicant("commitment", "全体投资人承诺书", "electronic"),
        ],
        form_schema=form(*business_fields(1)),
    )
    return [sole_trader, company, food, deregistration]


def tax_matters():
    new_taxpayer = matter(
        32,
        "税务局",
        "新办纳税人涉税事项",
        name_en="Tax set-up for new taxpayers",
        kind="other_power",
        themes=["tax", "establishment"],
        audiences=BUSINESS,
        keywords=["税务登记", "新办企业税务", "税务报到", "办税", "开通税务"],
        summary="新办纳税人一次办理信息确认、财务会计制度备案、税种认定、三方协议签订等涉税事项。",
        basis="《中华人民共和国税收征收管理法》第十五条；《国家税务总局关于优化新办纳税人“套餐式”服务的通知》",
        conditions=[condition("licensed", "已取得营业执照。")],
        legal=1,
        committed=1,
        depth="full",
        visits=0,
        result="涉税事项办理完毕通知",
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            id_card("representative_id", "法定代表人、财务负责人、办税人员"),
            applicant("accounting", "财务会计制度及核算软件备案报告", "electronic"),
            applicant("bank_account", "银行结算账户信息", "electronic"),
        ],
        form_schema=form(
            *business_fields(1), field("accountant", "财务负责人", "Chief accountant", order=6)
        ),
    )
    invoices = matter(
        33,
        "税务局",
        "增值税发票首次申领",
        name_en="First issue of VAT invoices",
        kind="other_power",
        themes=["tax"],
        audiences=BUSINESS,
        keywords=["领发票", "申领发票", "开发票", "数电发票", "发票领用"],
        summary="新办纳税人首次申请发票（含数电发票）的开具额度与票种核定。",
        basis="《中华人民共和国发票管理办法》第十五条",
        conditions=[condition("registered", "已办理新办纳税人涉税事项。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="发票票种核定及开具额度",
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            id_card("agent_id", "经办人"),
        ],
        form_schema=form(
            *business_fields(1),
            choice(
                "invoice_kind",
                "发票种类",
                "Invoice type",
                ["数电发票（普通发票）", "数电发票（增值税专用发票）"],
                6,
            ),
        ),
    )
    return [new_taxpayer, invoices]


def housing_fund_matters():
    rent = matter(
        34,
        "住房公积金管理中心",
        "住房公积金提取（租房）",
        name_en="Withdrawing housing fund savings to pay rent",
        kind="public_service",
        themes=["housing"],
        audiences=PERSON,
        keywords=["公积金提取", "租房提取", "提公积金", "取公积金", "公积金付房租", "租房提公积金"],
        summary="职工及配偶在本市无自有住房且租房自住的，可提取住房公积金支付房租。",
        basis="《住房公积金管理条例》第二十四条；《示范市住房公积金提取管理办法》第九条",
        conditions=[
            condition("no_home", "职工及配偶在本市无自有住房。"),
            condition("contributing", "连续足额缴存住房公积金3个月以上。"),
        ],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="提取金额转入本人银行账户",
        instant=True,
        decision="housing-fund-rent",
        situations=[
            situation(
                "housing_type",
                "租住的是什么房子？",
                "What kind of home do you rent?",
                option("market", "商品住房", "A private rental"),
                option(
                    "public",
                    "公共租赁住房",
                    "Public rental housing",
                    add=["public_lease", "rent_receipts"],
                ),
            ),
            situation(
                "married",
                "是否已婚？",
                "Are you married?",
                option("no", "未婚", "No"),
                option("yes", "已婚", "Yes", add=["marriage_certificate", "spouse_property"]),
            ),
        ],
        materials=[
            id_card(),
            registry("fund_record", "住房公积金缴存信息", "housing_fund", "account"),
            registry(
                "property_check", "本人名下不动产登记信息（无房核查）", "property", "ownership"
            ),
            licence("marriage_certificate", "结婚证", "marriage_certificate", "conditional"),
            registry(
                "spouse_property", "配偶名下不动产登记信息", "property", "ownership", "conditional"
            ),
            applicant("public_lease", "公共租赁住房租赁合同", "electronic", "conditional"),
            applicant("rent_receipts", "租金缴纳凭证", "electronic", "conditional"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field(
                "bank_account",
                "收款银行账号（本人一类卡）",
                "Bank account (own)",
                order=3,
                pattern="^[0-9]{12,19}$",
            ),
            field("rental_address", "租住房屋地址", "Rented home", "address", 4),
            *contact_fields(5),
        ),
    )
    employer = matter(
        35,
        "住房公积金管理中心",
        "住房公积金单位缴存登记",
        name_en="Registering an employer for housing fund contributions",
        kind="public_service",
        themes=["employer", "establishment"],
        audiences=BUSINESS,
        keywords=["公积金开户", "单位公积金", "公积金登记", "企业公积金开户"],
        summary="新设立的单位自设立之日起30日内办理住房公积金缴存登记，并为职工设立个人账户。",
        basis="《住房公积金管理条例》第十四条、第十五条",
        conditions=[condition("established", "单位已依法设立。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="单位住房公积金账户",
        materials=[
            licence("business_licence", "营业执照", "business_licence"),
            applicant("registration_form", "住房公积金单位缴存登记表", "electronic"),
            id_card("agent_id", "经办人"),
        ],
        form_schema=form(
            *business_fields(1),
            field(
                "rate",
                "缴存比例（%）",
                "Contribution rate (%)",
                "number",
                6,
                type="integer",
                minimum=5,
                maximum=12,
            ),
        ),
    )
    retirement = matter(
        36,
        "住房公积金管理中心",
        "住房公积金提取（退休）",
        name_en="Withdrawing housing fund savings on retirement",
        kind="public_service",
        themes=["housing", "elderly"],
        audiences=PERSON,
        keywords=["退休提取公积金", "退休公积金", "公积金销户"],
        summary="职工办理退休手续后，可一次性提取住房公积金账户余额并销户。",
        basis="《住房公积金管理条例》第二十四条",
        conditions=[condition("retired", "已办理退休手续。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="账户余额转入本人银行账户",
        materials=[
            id_card(),
            registry("fund_record", "住房公积金缴存信息", "housing_fund", "account"),
            registry("retirement_record", "退休审批信息", "social_insurance", "pension"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field(
                "bank_account",
                "收款银行账号（本人一类卡）",
                "Bank account (own)",
                order=3,
                pattern="^[0-9]{12,19}$",
            ),
        ),
    )
    return [rent, employer, retirement]


def education_matters():
    school_entry = matter(
        37,
        "教育局",
        "义务教育新生入学登记",
        name_en="Registering a child for primary school",
        kind="public_service",
        themes=["education"],
        audiences=PERSON,
        keywords=["小学入学", "一年级报名", "上小学", "入学报名", "幼升小", "小升初", "学位申请"],
        summary="适龄儿童办理义务教育阶段（小学一年级、初中一年级）新生入学登记。",
        basis="《中华人民共和国义务教育法》第十二条；《示范市义务教育招生入学工作实施意见》",
        conditions=[
            condition("age", "小学新生年满6周岁（当年8月31日前出生）。"),
            condition("residence", "本市户籍，或随迁子女父母一方持本市居住证。"),
        ],
        legal=30,
        committed=20,
        depth="full",
        visits=0,
        result="入学登记结果及学位安排通知",
        situations=[
            situation(
                "household",
                "孩子的户籍情况？",
                "Where is the child's household registered?",
                option("local", "本市户籍", "In the city"),
                option(
                    "migrant",
                    "随迁子女（外地户籍）",
                    "Elsewhere (migrant family)",
                    add=["residence_permit", "insurance_record"],
                ),
            ),
            situation(
                "housing",
                "家庭住房情况？",
                "Your home?",
                option("own", "自有住房", "Owned", add=["property_record"]),
                option("rented", "租房", "Rented", add=["lease"]),
            ),
        ],
        materials=[
            household_register("household_register", "儿童及父母"),
            licence(
                "birth_medical_certificate", "儿童《出生医学证明》", "birth_medical_certificate"
            ),
            registry(
                "property_record", "家庭住房不动产权属信息", "property", "ownership", "conditional"
            ),
            applicant("lease", "住房租赁合同（备案）", "electronic", "conditional"),
            licence("residence_permit", "父母一方本市居住证", "residence_permit", "conditional"),
            registry(
                "insurance_record",
                "父母一方本市社会保险参保信息",
                "social_insurance",
                "enrolment",
                "conditional",
            ),
        ],
        form_schema=form(
            *person_fields("child", "儿童", "Child", 1),
            choice("stage", "入学学段", "Stage", ["小学一年级", "初中一年级"], 3),
            *person_fields("guardian", "监护人", "Guardian", 4),
            *contact_fields(6),
        ),
    )
    teacher = matter(
        38,
        "教育局",
        "教师资格认定",
        name_en="Teacher qualification certification",
        kind="licensing",
        themes=["education", "employment"],
        audiences=PERSON,
        keywords=["教师资格证", "教资认定", "教资", "教师证"],
        summary="通过国家教师资格考试或免试认定的人员申请教师资格认定。",
        basis="《中华人民共和国教师法》第十条至第十三条；《教师资格条例》",
        conditions=[
            condition("exam", "国家中小学教师资格考试合格证明在有效期内。"),
            condition("mandarin", "普通话水平达到二级乙等以上标准。"),
            condition("health", "体检合格。"),
        ],
        legal=30,
        committed=20,
        depth="pre_review",
        visits=1,
        result="教师资格证书",
        materials=[
            id_card(),
            registry("degree", "学历学位证书信息", "education", "degrees"),
            applicant("mandarin", "普通话水平测试等级证书", "electronic"),
            applicant("medical", "教师资格认定体检表", "original"),
            photo(),
        ],
        form_schema=form(
            *person_fields(start=1),
            choice(
                "level",
                "认定学段",
                "Level",
                ["幼儿园", "小学", "初级中学", "高级中学"],
                3,
                "select",
            ),
            field("subject", "任教学科", "Subject", order=4),
            *contact_fields(5),
        ),
    )
    return [school_entry, teacher]


def disability_matters():
    card = matter(
        39,
        "残疾人联合会",
        "残疾人证申领",
        name_en="Applying for a disability card",
        kind="confirmation",
        themes=["disability"],
        audiences=PERSON,
        keywords=["残疾证", "办残疾证", "残疾评定", "残疾人证"],
        summary="符合残疾标准的本市户籍残疾人申领第二代《中华人民共和国残疾人证》。",
        basis="《中华人民共和国残疾人保障法》第二条；《中华人民共和国残疾人证管理办法》",
        conditions=[
            condition(
                "standard",
                "视力、听力、言语、肢体、智力、精神或多重残疾，符合《残疾人残疾分类和分级》国家标准。",
            ),
            condition("resident", "本市户籍。"),
        ],
        legal=20,
        committed=10,
        depth="pre_review",
        visits=1,
        result="《中华人民共和国残疾人证》（电子证照同步签发）",
        result_licence="disability_card",
        situations=[agent_question()],
        materials=[
            id_card(),
            household_register(),
            photo(),
            applicant(
                "assessment",
                "指定医疗机构出具的残疾评定表",
                "original",
                standard="由残联指定的评残医院评定医师签字并加盖公章。",
            ),
            power_of_attorney(),
        ],
        form_schema=form(
            *person_fields(start=1),
            choice(
                "category",
                "残疾类别",
                "Kind of disability",
                ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"],
                3,
                "select",
            ),
            *contact_fields(4),
        ),
    )
    assistive = matter(
        40,
        "残疾人联合会",
        "残疾人辅助器具适配补贴申请",
        name_en="Subsidy for assistive devices",
        kind="payment",
        themes=["disability"],
        audiences=PERSON,
        keywords=["辅具补贴", "轮椅补贴", "助听器补贴", "辅助器具"],
        summary="持证残疾人经评估适配辅助器具（轮椅、助听器、假肢等）的，按规定申请补贴。",
        basis="《中华人民共和国残疾人保障法》第五十条；《示范省残疾人基本辅助器具适配补贴办法》",
        conditions=[
            condition("card", "持有第二代残疾人证。"),
            condition("assessed", "经辅具评估机构评估需要适配。"),
        ],
        legal=20,
        committed=10,
        depth="full",
        visits=0,
        result="补贴金额核定并发放",
        materials=[
            licence("disability_card", "残疾人证", "disability_card"),
            registry("disability_record", "残疾人信息", "disability", "grade"),
            applicant("assessment", "辅助器具适配评估表", "electronic"),
            applicant("invoice", "辅助器具购买发票", "electronic"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("device", "辅助器具名称", "Device", order=3),
            *contact_fields(4),
        ),
    )
    return [card, assistive]


def land_matters():
    records = matter(
        41,
        "自然资源和规划局",
        "不动产登记资料查询",
        name_en="Searching real estate registration records",
        kind="public_service",
        themes=["housing", "certificates"],
        audiences=[*PERSON, *BUSINESS],
        keywords=["房产查询", "查房产", "不动产查询", "房屋产权查询", "查档"],
        summary="权利人、利害关系人查询不动产登记结果和原始资料。",
        basis="《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》",
        conditions=[condition("holder", "查询人为权利人或利害关系人。")],
        legal=5,
        committed=1,
        depth="full",
        visits=0,
        result="不动产登记资料查询结果证明",
        materials=[
            id_card(),
            registry("property_record", "不动产登记信息", "property", "ownership"),
        ],
        form_schema=form(
            *person_fields(start=1),
            field("property_address", "不动产坐落", "Property address", "address", 3),
        ),
    )
    no_property = matter(
        42,
        "自然资源和规划局",
        "不动产权属状况证明（无房证明）",
        name_en="Certificate of real estate holdings (no-property certificate)",
        kind="public_service",
        themes=["housing", "certificates"],
        audiences=PERSON,
        keywords=["无房证明", "名下无房", "住房情况证明", "房产证明"],
        summary="出具本人名下在本市有无不动产登记记录的证明，用于购房、公积金、入学等。",
        basis="《不动产登记暂行条例》第二十七条",
        conditions=[condition("self", "查询本人名下的不动产。")],
        legal=5,
        committed=0,
        depth="full",
        visits=0,
        result="《不动产权属状况证明》（电子版，带电子签章）",
        instant=True,
        decision="property-holdings",
        materials=[
            id_card(),
            registry("property_record", "本人名下不动产登记信息", "property", "ownership"),
        ],
        form_schema=form(
            *person_fields(start=1),
            choice("purpose", "用途", "Purpose", ["购房", "公积金", "入学", "其他"], 3),
        ),
    )
    return [records, no_property]


def all_matters():
    return [
        *newborn_matters(),
        *police_matters(),
        *civil_affairs_matters(),
        *health_matters(),
        *labour_matters(),
        *medical_matters(),
        *market_matters(),
        *tax_matters(),
        *housing_fund_matters(),
        *education_matters(),
        *disability_matters(),
        *land_matters(),
    ]


# (code, name, English name, audience, summary, matters in order, answers the event settles)
LIFE_EVENTS = [
    (
        "newborn",
        "新生儿出生一件事",
        "A baby is born",
        "person",
        "出生医学证明、出生登记（落户）、医保参保、社保卡申领一次办好：一张表、一套材料，全程网办。",
        ["出生医学证明签发", "出生登记", "城乡居民基本医疗保险参保登记", "社会保障卡申领"],
        {"insured_person": "newborn", "applicant_age": "minor"},
    ),
    (
        "business-start",
        "企业开办一件事",
        "Starting a company",
        "business",
        "营业执照、公章刻制、新办纳税人涉税事项、发票申领、公积金单位登记一次办好，1个工作日办结。",
        [
            "有限责任公司设立登记",
            "公章刻制备案",
            "新办纳税人涉税事项",
            "增值税发票首次申领",
            "住房公积金单位缴存登记",
        ],
        {},
    ),
    (
        "retirement",
        "退休一件事",
        "Retiring",
        "person",
        "退休审批、医保退休待遇核定、公积金退休提取一次申请，部门并联办理。",
        ["职工退休申请", "职工医保退休人员待遇核定", "住房公积金提取（退休）"],
        {},
    ),
    (
        "talent-settlement",
        "人才落户一件事",
        "Settling in as recruited talent",
        "person",
        "人才引进接收、户口迁入、就业登记一次办好，学历学位信息由系统核验。",
        ["高校毕业生接收（人才引进）", "户口迁移（人才引进落户）", "就业登记"],
        {},
    ),
]


def catalogue() -> dict:
    """The demo catalogue as one document of the catalogue format."""
    matters = all_matters()
    by_name = {m["versions"][0]["name"]: m["implementation_code"] for m in matters}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "themes": [
            {"code": code, "name": name, "name_en": name_en, "audience": audience, "order": order}
            for order, (code, name, name_en, audience) in enumerate(THEMES)
        ],
        "matters": matters,
        "life_events": [
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "summary": summary,
                "audience": audience,
                "order": order,
                "matters": [by_name[n] for n in names],
                "answers": dict(answers),
            }
            for order, (code, name, name_en, audience, summary, names, answers) in enumerate(
                LIFE_EVENTS
            )
        ],
    }


def as_new_versions(document: dict) -> dict:
    """Demo matters whose published content changed since the last seed become a new version
    (published versions never change), so editing this file and seeding again just works."""
    published = {
        v.matter.implementation_code: v
        for v in MatterVersion.objects.filter(status=MatterVersion.Status.PUBLISHED)
        .select_related("matter")
        .prefetch_related("themes", "involved_departments", "materials__source_department")
    }
    latest = dict(
        MatterVersion.objects.values("matter__implementation_code")
        .annotate(number=Max("number"))
        .values_list("matter__implementation_code", "number")
    )
    for entry in document["matters"]:
        code, wanted = entry["implementation_code"], entry["versions"][0]
        current = published.get(code)
        if current and version_content(current) == normalized_content(wanted):
            wanted["number"] = current.number
        elif current:
            wanted["number"] = latest[code] + 1
    return document


def seed(report) -> None:
    """Step of `tongban seed-demo`: import the demo catalogue (idempotent)."""
    document = as_new_versions(catalogue())
    for key, count in import_catalogue(document=document, actor=ACTOR).items():
        report.counts[key] += count
