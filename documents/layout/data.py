"""The plain data a document is laid out from: no models, no requests, nothing to look up."""

from dataclasses import dataclass

LEVEL_PARAGRAPH = 0
LEVEL_ONE = 1  # 一、 黑体
LEVEL_TWO = 2  # （一） 楷体
LEVEL_THREE = 3  # 1. 仿宋
LEVEL_FOUR = 4  # （1） 仿宋


@dataclass(frozen=True)
class Block:
    """One paragraph of the body (正文)."""

    level: int  # 0 = ordinary paragraph, 1 = 一、 heading, 2 = （一）, 3 = 1., 4 = （1）
    text: str  # plain text, already including its ordinal ("一、总体要求") when it is a heading

    def __post_init__(self) -> None:
        if self.level not in range(LEVEL_PARAGRAPH, LEVEL_FOUR + 1):
            raise ValueError(f"Block level must be 0 to 4, not {self.level!r}")


@dataclass(frozen=True)
class Layout:
    """Everything GB/T 9704-2012 prints on an issued document (or a draft of one)."""

    title: str
    issuer_mark: str  # 发文机关标志, e.g. "协同市协同局文件"
    signature_org: str  # 署名, e.g. "协同市协同局办公室"
    date_text: str  # 成文日期 "2026年12月1日"
    body: tuple[Block, ...]
    number: str = ""  # 发文字号 "办发〔2026〕7号" ("" on a draft)
    copy_number: str = ""  # 份号 "000001" (shown when set)
    classification_mark: str = ""  # "秘密★1年" ("" when public/internal: not shown)
    urgency_mark: str = ""  # "特急" / "加急" ("" for 平件)
    upward: bool = False  # 上行文: show 签发人
    signers: tuple[str, ...] = ()  # 签发人 names
    main_recipients: str = ""  # "各处室" (rendered with a full-width colon)
    attachments: tuple[str, ...] = ()  # 附件说明 names
    note: str = ""  # 附注 (rendered in （）)
    cc: str = ""  # 抄送 organs, "市政府办公室，市财政局" (rendered "抄送：…。")
    printer_org: str = ""  # 印发机关
    printed_date_text: str = ""  # 印发日期 "2026年12月1日" (rendered "… 印发")
    sealed: bool = True  # draw the red seal (issued documents); False on drafts
    seal_text: str = ""  # organization name around the seal (defaults to signature_org)
    verification_url: str = ""  # absolute URL of /verify/<code>/ → a QR code on the last page
    verification_code: str = ""  # printed beside the QR ("验证码：XXXX-XXXX")
    watermark: str = ""  # e.g. "草稿" / "DRAFT" across pages of an unissued render (optional)


def recipients_text(layout: Layout) -> str:
    """主送机关 ending in a full-width colon."""
    text = layout.main_recipients.strip().rstrip(":：")
    return f"{text}：" if text else ""


def attachment_lines(layout: Layout) -> list[tuple[str, str]]:
    """附件说明 as (ordinal, name) pairs: "1." … when there are several, no ordinal for one; names
    without trailing punctuation (GB/T 9704 7.3.4)."""
    names = [name.strip().rstrip("。.，,；;：:") for name in layout.attachments if name.strip()]
    if len(names) == 1:
        return [("", names[0])]
    return [(f"{n}.", name) for n, name in enumerate(names, start=1)]


def note_text(layout: Layout) -> str:
    """附注 in full-width parentheses."""
    text = layout.note.strip()
    if not text:
        return ""
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        text = text[1:-1]
    return f"（{text}）"


def cc_text(layout: Layout) -> str:
    """抄送机关: "抄送：…。" (the list ends with a full stop)."""
    text = layout.cc.strip().rstrip("。.，,；;")
    return f"抄送：{text}。" if text else ""


def printed_text(layout: Layout) -> str:
    """印发日期 followed by 印发."""
    text = layout.printed_date_text.strip()
    return f"{text}印发" if text else ""


def seal_name(layout: Layout) -> str:
    return (layout.seal_text or layout.signature_org).strip()
