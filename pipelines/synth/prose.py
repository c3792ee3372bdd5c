"""The prose of a synthetic report: preamble, the five parts of 一、总体情况, 五 问题 and 六 其他事项.

Real reports quote their own tables in 总体情况 ("全年共收到政府信息公开申请34件，其中予以公开20件…",
"作出行政许可决定215件"), and rule R9 compares those statements with the table cells. The prose here does the
same with the values *as printed* (after any planted table defect), in wordings ``pipelines.narrative.figures``
reads, so a clean report's statements all agree with its tables and a planted contradiction is the only
disagreement. ``quotes`` lists every figure stated, keyed by the target it names; ``stated`` overrides one of
them to plant a contradiction.

Text must not look copied when it is not (内容雷同 is checked against the body's previous year at 50 % and
against other bodies of the same year at 80 % shared 5-character shingles): each paragraph is a sequence of
*positions*, each filled from its own bank of alternative sentences, and the alternative chosen at a position
is ``(a + year × s) mod n`` with ``a``, ``s`` fixed per body and ``s ≢ 0 (mod n)`` — so consecutive years of one
body never choose the same sentence at any position, while bodies of one year choose independently. Most
sentences carry the body's name or a small number, which further separates peers that happen to choose alike.

Sentences avoid what would confuse the table reader or the figure reader: no table row labels next to
digits, no enumerations like "（一）" inside a paragraph, and small numbers use units no figure rule reads
(期, 场, 篇, 名, 个工作日).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipelines.synth import keys as K
from pipelines.synth.roster import Issuer

Value = int | float | None

#: Paragraph slots of the report, in reading order (the layouts put each after its heading).
SLOTS = ("preamble", "overview", "active", "requests", "management", "platform", "oversight", "problems", "other")


@dataclass(frozen=True)
class Prose:
    """Every slot's paragraphs and the figures the prose states.

    ``quotes``: target (``pipelines.narrative.figures.TARGETS``) → the table's value, printed as digits;
    ``zeros``: targets stated as 0 in words. ``stated`` overrides are not reflected here (see ``compose``).
    """

    paragraphs: dict[str, tuple[str, ...]]
    quotes: dict[str, int | float] = field(default_factory=dict)
    zeros: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------ banks
# Placeholders: {short} (how the body names itself), {name} (its full name), {year}, {next} (year + 1),
# {upper} (the level above), {n1} {n2} {n3} (small numbers), {day} (a working-day count).

_OVERVIEW: tuple[tuple[str, ...], ...] = (
    (
        "{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于政务公开工作的决策部署，认真执行《中华人民共和国政府信息公开条例》。",
        "{year}年，{short}按照{upper}关于政务公开工作的安排部署，扎实推进政府信息公开各项工作，公开质量稳步提升。",
        "{year}年，在{upper}的统一部署下，{short}坚持以公开为常态、不公开为例外，持续深化政务公开工作。",
        "{year}年以来，{short}认真落实《中华人民共和国政府信息公开条例》，围绕中心工作推进决策、执行、管理、服务、结果公开。",
        "{year}年，{short}把政务公开作为建设法治政府、服务型政府的重要抓手，不断提升公开工作的质量和实效。",
        "{year}年，{short}紧扣年度政务公开工作要点，健全工作机制，规范公开流程，政务公开工作取得新进展。",
        "{year}年，{short}以群众需求为导向，统筹推进主动公开、依申请公开和政策解读回应，保障人民群众的知情权、参与权和监督权。",
        "{year}年，{short}将政务公开与优化营商环境、深化放管服改革结合起来，推动权力在阳光下运行。",
        "{year}年，{short}坚持问题导向，对照上年度评估中发现的短板逐项整改，政务公开工作规范化水平进一步提高。",
    ),
    (
        "调整充实政务公开工作领导小组，明确{n1}名工作人员具体负责信息公开的日常工作。",
        "召开专题会议{n1}场研究部署政务公开重点任务，形成主要领导亲自抓、分管领导具体抓的工作格局。",
        "全年组织政务公开业务学习{n1}期，工作人员依法公开的意识和能力明显增强。",
        "将政务公开工作纳入{short}年度重点工作清单，分解任务{n2}项并明确完成时限。",
        "建立健全信息发布协调机制，{n1}个内设机构各确定一名信息员，形成上下联动的工作网络。",
        "修订完善信息公开工作制度{n1}项，进一步理顺了工作流程。",
        "对照年度工作要点制定任务清单，逐项明确责任科室和完成时限，确保各项任务落地见效。",
        "坚持把政务公开工作与业务工作同研究、同部署、同落实，全年听取专项汇报{n1}场。",
    ),
)

_ACTIVE_OPEN: tuple[str, ...] = (
    "围绕重点领域信息公开，及时发布政策文件、工作动态、通知公告等内容，做到应公开尽公开。",
    "聚焦群众关心关注的事项，持续加大财政预决算、重大项目、民生保障等领域的公开力度。",
    "坚持以公开为常态，梳理更新主动公开基本目录，动态调整公开事项{n2}项。",
    "依托门户网站专栏集中展示机构职能、政策文件、规划计划等信息，全年发布政策解读{n2}篇。",
    "做好政策解读工作，采用图解、短视频、问答等形式解读重要政策文件{n1}篇。",
    "规范发布行政执法公示信息，及时更新权责清单和办事指南，方便群众查询。",
    "加强重要政策的解读和回应，围绕群众关切制作通俗易懂的解读材料{n1}篇。",
)
_ACTIVE_CLOSE: tuple[str, ...] = (
    "对涉及群众切身利益的事项，通过公示栏、微信公众号等渠道同步发布，扩大信息覆盖面。",
    "严格落实公开前保密审查，全年未发生泄密事件。",
    "及时回应社会关切，对网民留言做到及时受理、限时答复。",
    "做好公开信息的归集整理，确保历史信息可查可用。",
    "组织开展政策进村入户宣讲{n1}场，把政策送到群众身边。",
    "推动基层政务公开标准化规范化，公开事项标准目录实现动态更新。",
)
_REQUESTS_OPEN: tuple[str, ...] = (
    "严格按照《条例》规定的程序和时限办理依申请公开事项，规范申请登记、审查、办理、答复、归档各环节。",
    "畅通网上、信函、当面等申请渠道，规范答复文书格式，切实保障申请人的合法权益。",
    "进一步完善依申请公开工作流程，加强与申请人的沟通，提高答复的针对性和规范性。",
    "健全依申请公开会商机制，对疑难复杂申请组织法律顾问研判，提升依法答复水平。",
    "落实依申请公开登记、审核、答复全流程台账管理，做到件件有回音。",
    "对申请人提出的诉求认真研判，能公开的及时公开，不能公开的依法说明理由。",
)
_MANAGEMENT: tuple[tuple[str, ...], ...] = (
    (
        "严格落实信息发布“三审三校”制度，坚持先审查、后公开，确保发布信息准确规范。",
        "规范公文公开属性源头认定，公文起草时同步明确公开方式，全年审核公文{n2}篇。",
        "加强政府信息公开保密审查，明确审查责任人和审查流程，防止涉密信息上网。",
        "定期清理网站历史信息，对过时失效信息进行归档或更新，全年清理栏目{n1}个。",
        "建立政府信息管理动态调整机制，及时更新公开指南和公开目录。",
        "对已公开的政策文件开展常态化清理，标注文件有效性，便于群众准确获取。",
    ),
    (
        "落实专人负责网站内容巡查，每{day}个工作日开展一次全面检查。",
        "完善信息公开档案管理，做到一事一档、归档及时。",
        "加强个人信息保护，对公开信息中的敏感内容进行脱敏处理。",
        "健全信息发布台账，做到发布时间、审核人员、信息来源全程留痕。",
        "强化政务信息资源共享，推动部门间数据互通互认。",
    ),
)
_PLATFORM: tuple[tuple[str, ...], ...] = (
    (
        "发挥政府门户网站第一平台作用，优化信息公开专栏设置，提升栏目规范化水平。",
        "加强政务新媒体管理，全年通过政务微信公众号推送信息{n3}篇。",
        "升级改造网站信息公开平台，完善站内搜索和无障碍浏览功能。",
        "推进政务公开专区建设，在便民服务中心设置查阅点{n1}个。",
        "整合优化政务新媒体账号，关停更新不及时的账号{n1}个，提升运维质量。",
        "在政务服务大厅设置政务公开专区，为群众提供查阅、咨询等服务。",
    ),
    (
        "严格执行网站内容保障制度，确保平台安全平稳运行。",
        "做好网站适老化和无障碍改造，方便老年人和残障人士获取信息。",
        "坚持线上线下相结合，利用公示栏、电子屏等载体扩大公开覆盖面。",
        "完善互动交流栏目，及时回复群众留言咨询，平均答复时间不超过{day}个工作日。",
        "规范政务新媒体信息发布流程，落实先审后发制度。",
    ),
)
_OVERSIGHT: tuple[tuple[str, ...], ...] = (
    (
        "将政务公开工作纳入年度绩效考核，考核分值占比进一步提高。",
        "组织政务公开业务培训{n1}期，参训{n3}人次，提升工作人员业务能力。",
        "主动接受社会监督，在门户网站公布监督投诉渠道。",
        "开展政务公开工作自查{n1}轮，对发现的问题建立清单、限期整改。",
        "邀请群众代表参加政务公开社会评议，广泛听取意见建议。",
        "强化监督检查，对栏目更新不及时等问题进行通报并督促整改。",
    ),
    (
        "全年未发生因政务公开工作不力被追究责任的情况。",
        "对照上级考核评估指标逐项查漏补缺，工作规范化水平进一步提升。",
        "加强工作人员保密和公开业务教育，做到依法依规公开。",
        "把政务公开工作情况作为年度述职的重要内容，压实工作责任。",
        "通过第三方监测发现并整改问题{n1}个，网站运行质量持续提高。",
    ),
)
_PROBLEMS: tuple[tuple[str, ...], ...] = (
    (
        "{year}年，{short}政务公开工作虽然取得了一定成效，但对照新形势新要求仍存在一些不足。",
        "回顾{year}年工作，{short}在政务公开方面还存在一些差距和短板。",
        "{year}年，{short}政府信息公开工作取得了一定进展，但与群众的期待相比还有差距。",
        "总结{year}年的工作，{short}政务公开工作仍有需要改进的地方。",
        "对照上级要求和群众期盼，{short}{year}年的政务公开工作还存在以下不足。",
        "{year}年{short}政务公开工作在第三方评估中得分{pct}分，暴露出一些薄弱环节。",
        "从{year}年自查情况看，{short}政务公开工作还存在{n1}方面的问题。",
    ),
    (
        "一是政策解读形式比较单一，全年图解、视频类解读仅{n1}篇。",
        "一是部分栏目信息更新不够及时，“{col}”栏目{m1}月以来更新较少。",
        "一是公开内容的深度和广度还需拓展，与群众关注的热点结合不够紧密。",
        "一是政务公开工作人员多为兼职，{n1}名信息员中专职人员较少。",
        "一是主动回应社会关切的及时性有待加强，个别留言答复超过{day}个工作日。",
        "一是基层政务公开标准化规范化建设还需深化，标准目录覆盖率为{pct}%。",
        "一是“{col}”栏目内容不够丰富，信息发布的系统性不强。",
        "一是重点领域信息公开不够全面，{m1}月份专项检查发现缺项{n1}处。",
    ),
    (
        "二是信息发布的规范性有待提高，全年发现要素不全的信息{n1}条次。",
        "二是依申请公开答复的针对性还需加强，答复文书格式有待统一。",
        "二是政务新媒体互动性不强，“{col}”相关推送阅读量偏低。",
        "二是公开平台的检索功能不够便捷，群众查找信息平均需要{n1}步操作。",
        "二是工作人员变动频繁，{m1}月调整后业务衔接不够顺畅。",
        "二是公开信息的可读性不强，专业术语较多。",
        "二是网站巡查发现错别字等问题{n1}处，校对把关还需加强。",
        "二是政策文件与解读材料同步发布率为{pct}%，仍未全部做到同步。",
    ),
    (
        "三是对照考核要求查摆不够深入，整改台账销号率为{pct}%。",
        "三是基层群众获取政府信息的渠道还不够多。",
        "三是与上级业务部门的沟通还不够紧密，学习先进经验不够。",
        "三是公开工作的监督考核机制还需完善。",
        "三是历史信息清理不够彻底，仍有{n1}个失效链接。",
        "三是信息公开保密审查流程还需细化。",
    ),
    (
        "针对上述问题，{next}年{short}将重点抓好以下工作。",
        "下一步，{short}将着力在以下几个方面加以改进。",
        "{next}年，{short}将针对存在的问题采取以下措施。",
        "为此，{short}将在{next}年重点做好以下工作。",
        "今后，{short}将从以下方面持续改进政务公开工作。",
        "对此，{short}已制定{n1}项整改措施，{next}年将逐项落实。",
    ),
    (
        "一是丰富政策解读形式，{next}年计划制作图解、短视频等解读产品{n2}篇。",
        "一是加强栏目日常维护，明确专人每{day}个工作日巡查一次，确保信息及时更新。",
        "一是围绕群众关注热点拓展公开内容，重点充实“{col}”栏目。",
        "一是加强业务培训，{next}年计划组织专题培训{n1}期。",
        "一是健全回应关切机制，做到{day}个工作日内答复网民留言。",
        "一是推进基层政务公开标准目录动态调整，力争覆盖率达到{pct2}%。",
        "一是{next}年{m1}月底前完成公开目录全面梳理。",
        "一是建立信息发布提醒机制，每月{m1}日前通报栏目更新情况。",
    ),
    (
        "二是严格落实信息发布审核制度，提高信息发布质量。",
        "二是规范依申请公开办理流程，统一答复文书模板{n1}类。",
        "二是加强政务新媒体运营，每周推送政务信息不少于{n1}条次。",
        "二是优化公开平台功能，提升群众查询信息的便捷度。",
        "二是稳定工作队伍，做好业务交接和传帮带。",
        "二是用通俗易懂的语言发布信息，提高可读性。",
        "二是配齐配强工作力量，新增信息员{n1}名。",
        "二是开展“{col}”专题公开，集中发布相关信息。",
    ),
    (
        "三是强化考核监督，将整改情况纳入年度考核。",
        "三是加强与上级业务部门的沟通，学习借鉴先进经验。",
        "三是建立问题整改台账，逐项销号管理。",
        "三是持续开展自查自纠，{next}年每季度自查不少于一次。",
        "三是加大宣传力度，引导群众通过正规渠道获取政府信息。",
        "三是完善保密审查机制，做到先审查后公开。",
    ),
    (
        "{short}将以此为契机，推动政务公开工作再上新台阶。",
        "{short}将持续提升政务公开工作质效，更好服务群众。",
        "通过以上措施，{short}力争{next}年政务公开工作取得新成效。",
        "{short}将认真抓好整改落实，确保各项措施落到实处。",
        "{short}将坚持问题导向，以公开促落实、促规范、促服务。",
        "{next}年{short}政务公开工作将在巩固中提升、在提升中发展。",
    ),
)
#: Portal columns a body's prose may name (栏目), for detail that differs between bodies.
_COLUMNS = (
    "政策文件", "政策解读", "通知公告", "工作动态", "财政预决算", "重大项目", "民生保障", "乡村振兴",
    "营商环境", "公共资源配置", "应急管理", "生态环境", "教育卫生", "社会救助", "就业创业", "征地拆迁",
    "行政执法公示", "权责清单", "规划计划", "人事信息", "建议提案办理", "公共服务事项", "统计信息", "互动交流",
)  # fmt: skip
_OTHER_FEE: tuple[str, ...] = (
    "依据《政府信息公开信息处理费管理办法》，{year}年{name}未收取信息处理费。",
    "{year}年，{name}办理政府信息公开申请未收取任何信息处理费。",
    "本年度{name}未发生收取信息处理费的情况。",
    "根据国务院办公厅《政府信息公开信息处理费管理办法》有关规定，{name}本年度未收取信息处理费。",
    "{year}年{name}严格执行信息处理费有关规定，未向申请人收取费用。",
    "{name}{year}年度未收取政府信息公开信息处理费。",
)
_OTHER_FEE_CHARGED = (
    "{year}年，{name}依据《政府信息公开信息处理费管理办法》发出收费通知{fee_notices}份，"
    "申请人未按期缴纳信息处理费的，依法不再处理。"
)
_OTHER_MORE: tuple[str, ...] = (
    "{year}年，{name}办理人大代表建议{n4}件、政协委员提案{n5}件，办理结果已全部公开。",
    "按照年度政务公开工作要点，{name}{n2}项任务均已按期完成，完成率{pct2}%。",
    "{name}于{m1}月{d1}日召开政务公开专题会议，部署{next}年重点工作。",
    "本年度{name}政务公开工作要点落实情况已于{m1}月{d1}日在门户网站“{col}”专栏公开。",
    "{year}年{name}开展政府开放日活动{n1}场，邀请群众代表{n3}人次参与。",
    "{name}{year}年度政务公开工作要点落实率为{pct2}%，{n1}项创新做法被上级推广。",
    "{year}年{name}在“{col}”栏目发布年度重点工作进展{n2}篇。",
)
_OTHER_CLOSE: tuple[str, ...] = (
    "{next}年，{name}将继续做好政务公开各项工作，计划更新公开目录{n2}项。",
    "{name}政务公开咨询电话已在“{col}”栏目公布，全年接听咨询{n3}人次。",
    "{year}年{m1}月，{name}完成政务公开专区升级改造，新增查阅点{n1}个。",
    "{name}全年编印政务公开宣传资料{n3}册，发放到{n2}个服务点。",
    "{name}于{year}年{m1}月组织政务公开满意度调查，满意率{pct2}%。",
    "本年度{name}开展政务公开业务培训{n1}期，参训{n3}人次。",
)
#: Section 六 without a word about fees (planted R10 defect: 逾期未缴费 in 表三, nothing said in 六).
_OTHER_NO_FEE = "本年度无其他需要报告的事项。"


def _pick(bank: Sequence[str], offset: int, step: int, year: int) -> str:
    """The alternative at ``(offset + year × step) mod n``: never the same for consecutive years."""
    return bank[(offset + year * step) % len(bank)]


class _Chooser:
    """Picks an alternative per position: offset and step fixed per body and position.

    Each position's parameters come from their own generator (seeded by the body's text seed, the slot and
    the position), so a paragraph comes out the same whichever other paragraphs were composed before it:
    a peer's section 五 can be recomputed by the body that copies it.
    """

    def __init__(self, text_seed: str) -> None:
        self._seed = text_seed

    def pick(self, slot: str, position: int, bank: Sequence[str], year: int) -> str:
        offset, step = _position_parameters(self._seed, slot, position, len(bank))
        return _pick(bank, offset, step, year)


@lru_cache(maxsize=65536)
def _position_parameters(text_seed: str, slot: str, position: int, n: int) -> tuple[int, int]:
    """(offset, step) of one position of one body: from a generator seeded by body, slot and position."""
    rng = random.Random(f"{text_seed}:{slot}:{position}")
    return rng.randrange(n), rng.randrange(1, n)


def _upper(issuer: Issuer) -> str:
    """The level above the body, as its prose names it."""
    if issuer.township is not None:
        return f"{issuer.county}党委、政府" if issuer.county else "上级党委、政府"
    if issuer.county is not None and issuer.level in ("county_gov", "county_dept"):
        return f"{issuer.county}委、县政府" if issuer.county.endswith("县") else "上级党委、政府"
    return "上级党委、政府"


def _n(value: Value) -> int:
    return int(value or 0)


def _sum(cells: Mapping[str, Value], keys: Sequence[str]) -> int:
    return sum(_n(cells.get(key)) for key in keys)


def _active_figures(cells: Mapping[str, Value], template: str, quotes: dict[str, int | float]) -> list[str]:
    """表二 figures stated in (一)主动公开: documents issued, decisions taken (non-zero ones)."""
    clauses: list[str] = []
    if _n(cells.get("t2.rules.issued" if template == K.V2021 else "t2.rules.new_made")):
        key = "t2.rules.issued"
        quotes[key] = _n(cells.get(key if template == K.V2021 else "t2.rules.new_made"))
        clauses.append(f"制定规章{{q:{key}}}件")
    docs_key = "t2.normative_docs.issued" if template == K.V2021 else "t2.normative_docs.new_made"
    if _n(cells.get(docs_key)):
        quotes["t2.normative_docs.issued"] = _n(cells.get(docs_key))
        clauses.append("制发行政规范性文件{q:t2.normative_docs.issued}件")
        if template == K.V2021 and _n(cells.get("t2.normative_docs.in_force")):
            quotes["t2.normative_docs.in_force"] = _n(cells.get("t2.normative_docs.in_force"))
            clauses.append("现行有效行政规范性文件{q:t2.normative_docs.in_force}件")
    sentences = []
    if clauses:
        sentences.append("全年" + "，".join(clauses) + "，均已按规定在门户网站政策文件栏目集中展示。")
    decisions = []
    for key, wording in (
        ("t2.licensing.decisions", "行政许可决定"),
        ("t2.penalty.decisions", "行政处罚决定"),
        ("t2.coercion.decisions", "行政强制决定"),
    ):
        if _n(cells.get(key)):
            quotes[key] = _n(cells.get(key))
            decisions.append(f"{wording}{{q:{key}}}件")
    if decisions:
        sentences.append("依法作出" + "，".join(decisions) + "。")
    return sentences


def _group_totals(template: str, prefix: str) -> tuple[str, ...]:
    """The 总计 cells of one 表三 group's sub-rows (what "不予公开N件" adds up)."""
    return tuple(K.t3(row, "total") for row in K.group_rows(template, prefix))


def _request_figures(
    cells: Mapping[str, Value], template: str, quotes: dict[str, int | float], zeros: list[str]
) -> list[str]:
    """表三/表四 figures stated in (二)依申请公开: received, outcomes by group, carried, reviews and suits.

    Nothing received and nothing to report on reviews are said in words ("未收到…申请"), which the figure
    reader takes as 0: those targets go to ``zeros``, numbers printed as digits to ``quotes``.
    """
    sentences = []
    received = _n(cells.get(K.t3("new_received", "total")))
    carried_in = _n(cells.get(K.t3("carried_over_in", "total")))
    if received == 0 and carried_in == 0:
        zeros.append("t3.new_received.total")
        sentences.append("本年度未收到政府信息公开申请。")
    else:
        quotes["t3.new_received.total"] = received
        lead = "全年共收到政府信息公开申请{q:t3.new_received.total}件"
        if carried_in:
            quotes["t3.carried_over_in.total"] = carried_in
            lead += "，上年结转政府信息公开申请{q:t3.carried_over_in.total}件"
        sentences.append(lead + "。")
        groups = (
            ("t3.granted.total", "予以公开", (K.t3("granted", "total"),)),
            ("t3.partially_granted.total", "部分公开", (K.t3("partially_granted", "total"),)),
            ("t3.denied.total", "不予公开", _group_totals(template, "denied_")),
            ("t3.unavailable.total", "无法提供", _group_totals(template, "unavailable_")),
            ("t3.not_processed.total", "不予处理", _group_totals(template, "not_processed_")),
            ("t3.other.total", "其他处理", _group_totals(template, "other_")),
        )
        outcomes = []
        for target, wording, keys in groups:
            value = _sum(cells, keys)
            if value:
                quotes[target] = value
                outcomes.append(f"{wording}{{q:{target}}}件")
        processed = _n(cells.get(K.t3("total_processed", "total")))
        quotes["t3.total_processed.total"] = processed
        text = "全年办结政府信息公开申请{q:t3.total_processed.total}件"
        if outcomes:
            text += "，其中" + "，".join(outcomes)
        carried_out = _n(cells.get(K.t3("carried_forward_out", "total")))
        if carried_out:
            quotes["t3.carried_forward_out.total"] = carried_out
            text += "，结转下年度继续办理{q:t3.carried_forward_out.total}件"
        sentences.append(text + "。")
    reviews = _n(cells.get(K.t4("review", "total")))
    suits = _n(cells.get(K.t4("suit_direct", "total"))) + _n(cells.get(K.t4("suit_after_review", "total")))
    if reviews == 0 and suits == 0:
        zeros.extend(("t4.review.total", "t4.suit.total"))
        sentences.append("全年未发生因政府信息公开工作引起的行政复议、行政诉讼案件。")
    else:
        quotes["t4.review.total"] = reviews
        quotes["t4.suit.total"] = suits
        sentences.append("因政府信息公开工作被申请行政复议{q:t4.review.total}件，被提起行政诉讼{q:t4.suit.total}件。")
    return sentences


def _fill(text: str, quotes: Mapping[str, int | float], stated: Mapping[str, int | float]) -> str:
    """Replace ``{q:target}`` by the stated number (the override if planted, else the table's)."""
    for target, value in quotes.items():
        shown = stated.get(target, value)
        text = text.replace(f"{{q:{target}}}", str(shown))
    return text


def period_sentence(year: int, end: date | None = None) -> str:
    """The statistics-period sentence; ``end`` other than 12月31日 plants a PERIOD defect."""
    end = end or date(year, 12, 31)
    return f"本报告所列数据统计期限为{year}年1月1日至{end.year}年{end.month}月{end.day}日。"


def _placeholders(issuer: Issuer, year: int, text_seed: str) -> dict[str, object]:
    """The values sentence templates are filled with: names, years and small numbers fixed per body-year."""
    numbers = random.Random(f"{text_seed}:{year}")
    return {
        "short": issuer.short,
        "name": issuer.name,
        "year": year,
        "next": year + 1,
        "upper": _upper(issuer),
        "n1": numbers.randint(2, 9),
        "n2": numbers.randint(10, 60),
        "n3": numbers.randint(60, 900),
        "day": numbers.choice((3, 5, 7, 10)),
        "m1": numbers.randint(1, 12),
        "d1": numbers.randint(1, 28),
        "n4": numbers.randint(1, 40),
        "n5": numbers.randint(1, 40),
        "pct": numbers.randint(60, 95),
        "pct2": numbers.randint(90, 100),
        "col": numbers.choice(_COLUMNS),
    }


def problems_paragraph(issuer: Issuer, year: int, text_seed: str) -> str:
    """Section 五 as the body writes it itself (what ``compose`` prints unless a copy is planted)."""
    chooser = _Chooser(text_seed)
    values = _placeholders(issuer, year, text_seed)
    return "".join(chooser.pick("problems", i, bank, year).format(**values) for i, bank in enumerate(_PROBLEMS))


def compose(
    issuer: Issuer,
    year: int,
    template: str,
    cells: Mapping[str, Value],
    text_seed: str,
    *,
    signed: date,
    stated: Mapping[str, int | float] | None = None,
    period_end: date | None = None,
    problems: str | None = None,
    fee_statement: bool = True,
) -> Prose:
    """The report's prose for its printed ``cells``.

    ``text_seed`` fixes the body's sentence choices (the same for every year of one body); ``stated``
    overrides stated figures (R9 defect); ``period_end`` changes the statistics period (PERIOD defect);
    ``problems`` replaces section 五 (copied text); ``fee_statement=False`` leaves fees out of 六 (R10).
    """
    chooser = _Chooser(text_seed)
    values = _placeholders(issuer, year, text_seed)
    numbers = random.Random(f"{text_seed}:{year}:more")
    quotes: dict[str, int | float] = {}
    zeros: list[str] = []

    def say(slot: str, banks: Sequence[Sequence[str]]) -> str:
        return "".join(chooser.pick(slot, i, bank, year).format(**values) for i, bank in enumerate(banks))

    preamble = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        f"要求，由{issuer.name}编制。{period_sentence(year, period_end)}"
        "本报告电子版可在门户网站政府信息公开专栏查阅或下载。"
    )
    active = [chooser.pick("active", 0, _ACTIVE_OPEN, year).format(**values)]
    active += _active_figures(cells, template, quotes)
    active.append(chooser.pick("active", 1, _ACTIVE_CLOSE, year).format(**values))
    requests = [chooser.pick("requests", 0, _REQUESTS_OPEN, year).format(**values)]
    requests += _request_figures(cells, template, quotes, zeros)
    if fee_statement:
        fee_unpaid = _n(cells.get(K.t3("other_fee_unpaid", "total")))
        if fee_unpaid:
            other = _OTHER_FEE_CHARGED.format(**values, fee_notices=fee_unpaid + numbers.randint(0, 2))
        else:
            other = chooser.pick("other", 0, _OTHER_FEE, year).format(**values)
        other += chooser.pick("other", 1, _OTHER_MORE, year).format(**values)
        other += chooser.pick("other", 2, _OTHER_CLOSE, year).format(**values)
    else:
        other = _OTHER_NO_FEE
    stated = stated or {}
    paragraphs = {
        "preamble": (preamble,),
        "overview": (say("overview", _OVERVIEW),),
        "active": (_fill("".join(active), quotes, stated),),
        "requests": (_fill("".join(requests), quotes, stated),),
        "management": (say("management", _MANAGEMENT),),
        "platform": (say("platform", _PLATFORM),),
        "oversight": (say("oversight", _OVERSIGHT),),
        "problems": (problems if problems is not None else problems_paragraph(issuer, year, text_seed),),
        "other": (other, issuer.name, f"{signed.year}年{signed.month}月{signed.day}日"),
    }
    return Prose(paragraphs, quotes, tuple(zeros))


def problems_text(prose: Prose) -> str:
    """Section 五 as printed (what a copier copies)."""
    return prose.paragraphs["problems"][0]
