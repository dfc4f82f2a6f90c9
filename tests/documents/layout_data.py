"""Layouts the layout tests render: one with every element, and a long one."""

import dataclasses

from documents.layout import Block, Layout

HEADINGS = ("一、总体要求", "（一）明确职责分工。", "1.严格审核把关。", "（1）审核内容包括行文理由是否充分。")

FULL = Layout(
    title="关于进一步加强公文办理工作提升机关运行效能的通知",
    issuer_mark="协同市协同局文件",
    signature_org="协同市协同局办公室",
    date_text="2026年12月1日",
    body=(
        Block(0, "为深入贯彻落实有关决策部署，进一步提升机关运行效能，经局党组研究同意，现就有关事项通知如下。"),
        Block(1, HEADINGS[0]),
        Block(0, "坚持以人民为中心，围绕“高效、规范、协同”的目标，2026年底前全面实现网上办文。"),
        Block(2, HEADINGS[1]),
        Block(0, "办公室负责公文处理的统筹协调和督促检查，各处室负责本处室公文的起草、审核和办理工作。"),
        Block(3, HEADINGS[2]),
        Block(4, HEADINGS[3]),
    ),
    number="办发〔2026〕7号",
    copy_number="000001",
    classification_mark="秘密★1年",
    urgency_mark="特急",
    signers=("张三", "李四", "王五"),
    main_recipients="各处室、各直属单位",
    attachments=("公文处理工作规范", "公文格式样例", "办文流程图"),
    note="此件公开发布",
    cc="市政府办公室，市财政局",
    printer_org="协同市协同局办公室",
    printed_date_text="2026年12月2日",
    verification_url="https://xietong.example.org/verify/ABCD-EFGH/",
    verification_code="ABCD-EFGH",
)

UPWARD = dataclasses.replace(FULL, upward=True)

DRAFT = dataclasses.replace(FULL, number="", sealed=False, watermark="草稿", verification_url="", verification_code="")

LONG = dataclasses.replace(
    FULL,
    body=tuple(
        Block(0, f"第{n}段：各处室要把公文处理工作摆上重要议事日程，明确分管领导和具体承办人员，确保各项要求落到实处。")
        for n in range(1, 41)
    ),
)

# Every element of FULL as printed, in reading order.
FULL_IN_ORDER = (
    "000001",
    "秘密★1年",
    "特急",
    "协同市协同局文件",
    "办发〔2026〕7号",
    FULL.title,
    "各处室、各直属单位：",
    *HEADINGS,
    "附件：1.公文处理工作规范",
    "2.公文格式样例",
    "3.办文流程图",
    "协同市协同局办公室",
    "2026年12月1日",
    "验证码：ABCD-EFGH",
    "（此件公开发布）",
    "抄送：市政府办公室，市财政局。",
    "协同市协同局办公室",
    "2026年12月2日印发",
)


def in_order(text: str, parts: tuple[str, ...] | list[str]) -> list[str]:
    """The parts missing from ``text`` or found out of order (whitespace ignored)."""
    flat = "".join(text.split())
    position, wrong = 0, []
    for part in parts:
        found = flat.find("".join(part.split()), position)
        if found < 0:
            wrong.append(part)
        else:
            position = found + 1
    return wrong
