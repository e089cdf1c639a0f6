"""Layouts of the documents autoclaim reads, drawn with random valid values and their truth.

Each `render_*` draws one document on a `Page` (millimetre design units at a random
resolution) and returns it with the ground truth per canonical field name (normalised as
`autoclaim.ocr.normalise` normalises) and the line items.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from autoclaim.data.synthetic_docs import values as val
from autoclaim.data.synthetic_docs.canvas import BLACK, BROWN, Colour, Page, draw_stamp
from autoclaim.data.synthetic_docs.fonts import FontStyle
from autoclaim.ocr.normalise import format_amount
from autoclaim.ocr.types import LineItem
from autoclaim.ocr.validators import amount_to_chinese_capital

TODAY = date(2025, 6, 30)  # fixed so that generation never depends on the clock


@dataclass
class Rendered:
    page: Page
    truth: dict[str, str]
    line_items: list[LineItem] = field(default_factory=list)
    layout: str = ""


def _fit(page: Page, text: str, size: float, max_width: float, style: FontStyle = "sans") -> float:
    """The largest size up to `size` at which `text` fits in `max_width` units."""
    width = page.text_width(text, size, style)
    return size if width <= max_width else size * max_width / width


def _value(
    page: Page,
    x: float,
    y: float,
    text: str,
    size: float,
    name: str,
    max_width: float,
    style: FontStyle = "sans",
    fill: Colour = BLACK,
    min_size: float = 0.0,
) -> None:
    """Draw a field value, shrunk to fit, wrapped onto a second line if it would get too small."""
    fitted = _fit(page, text, size, max_width, style)
    if fitted >= min_size or len(text) < 4:
        page.text(x, y, text, fitted, style=style, fill=fill, role="value", field=name)
        return
    half = (len(text) + 1) // 2
    for i, part in enumerate((text[:half], text[half:])):
        part_size = _fit(page, part, size, max_width, style)
        page.text(
            x,
            y + i * size * 1.25,
            part,
            part_size,
            style=style,
            fill=fill,
            role="value",
            field=name,
        )


def _background(page: Page, rng: random.Random, tint: Colour) -> None:
    """A security-print look: a pale tint and fine wavy guilloche lines."""
    page.rect(0, 0, page.width, page.height, fill=tint)
    line_colour = (max(0, tint[0] - 18), max(0, tint[1] - 18), max(0, tint[2] - 18))
    phase = rng.uniform(0, 6.28)
    step = 2.2
    y = 0.0
    while y < page.height:
        points = [
            (page.px(x), page.px(y + 0.8 * math.sin(x / 6.0 + phase + y)))
            for x in [i * 1.0 for i in range(int(page.width) + 2)]
        ]
        page.draw.line(points, fill=line_colour, width=1)
        y += step


# --- 机动车行驶证 -------------------------------------------------------------------------


def render_vehicle_licence(rng: random.Random) -> Rendered:
    page = Page(88, 60, scale=rng.uniform(10.0, 14.0))
    _background(page, rng, (238, 242, 236))
    maker = rng.choice(val.MAKERS)
    electric = maker[1] in ("比亚迪牌", "特斯拉牌") or rng.random() < 0.1
    owner_addr = val.address(rng)
    registered = val.random_date(rng, date(2016, 1, 1), date(2025, 3, 31))
    issued = registered if rng.random() < 0.7 else val.random_date(rng, registered, TODAY)
    is_company = rng.random() < 0.2
    truth = {
        "plate": val.plate(rng, owner_addr.plate_prefix, new_energy=electric),
        "vehicle_type": rng.choice(val.VEHICLE_TYPES),
        "owner": val.company_name(rng, owner_addr.province) if is_company else val.person_name(rng),
        "address": owner_addr.text,
        "use_character": rng.choice(val.USE_CHARACTERS),
        "model": maker[1] + val.model_code(rng, maker[2], electric),
        "vin": val.vin(rng, maker[0], registered.year),
        "engine_no": val.engine_number(rng),
        "register_date": registered.isoformat(),
        "issue_date": issued.isoformat(),
    }
    page.text(44, 3.2, "中华人民共和国机动车行驶证", 3.6, "serif_bold", role="title", anchor="ma")
    page.text(
        44, 7.8, "Vehicle License of the People's Republic of China", 1.7, role="title", anchor="ma"
    )
    page.rect(3, 11, 85, 57.5, outline=(90, 90, 90), width=0.25)
    ls, vs = 2.2, 2.5  # label and value sizes (mm)
    rows: list[list[tuple[str, str, float]]] = [
        [("号牌号码", "plate", 5), ("车辆类型", "vehicle_type", 46)],
        [("所有人", "owner", 5)],
        [("住址", "address", 5)],
        [("使用性质", "use_character", 5), ("品牌型号", "model", 38)],
        [("车辆识别代号", "vin", 5)],
        [("发动机号码", "engine_no", 5)],
        [("注册日期", "register_date", 5), ("发证日期", "issue_date", 46)],
    ]
    y = 13.2
    for row in rows:
        for i, (label, name, x) in enumerate(row):
            right = row[i + 1][2] - 1.5 if i + 1 < len(row) else 83.5
            after = page.label(x, y, label, ls, field=name)
            _value(
                page, after + 1.5, y - 0.2, truth[name], vs, name, right - after - 1.5, min_size=1.9
            )
        y += 6.3
    seal_authority = owner_addr.province + "公安厅交通警察总队"
    draw_stamp(
        page.image,
        (page.px(rng.uniform(66, 76)), page.px(rng.uniform(47, 52))),
        page.px(8),
        seal_authority,
        "★",
        opacity=0.45,
    )
    return Rendered(page, truth, layout="vehicle_licence")


# --- 机动车驾驶证 -------------------------------------------------------------------------


def render_driver_licence(rng: random.Random) -> Rendered:
    page = Page(88, 60, scale=rng.uniform(10.0, 14.0))
    _background(page, rng, (240, 236, 242))
    home = val.address(rng)
    male = rng.random() < 0.6
    born = val.random_date(rng, date(1960, 1, 1), date(2003, 12, 31))
    first = val.random_date(rng, val.add_years(born, 18), min(TODAY, val.add_years(born, 40)))
    # Periods: 6 years from the first issue, then 10, then long-term (长期). Most licences
    # shown are current; some are expired ones (the period that held on a random past day).
    shown_on = TODAY if rng.random() < 0.85 else val.random_date(rng, first, TODAY)
    if shown_on < val.add_years(first, 6):
        valid_from, period = first, 6
    elif shown_on < val.add_years(first, 16):
        valid_from, period = val.add_years(first, 6), 10
    else:
        valid_from, period = val.add_years(first, 16), None
    licence_no = val.id_number(rng, home.region, born, male)
    truth = {
        "licence_no": licence_no,
        "name": val.person_name(rng),
        "sex": "男" if male else "女",
        "nationality": "中国",
        "address": home.text,
        "birth_date": born.isoformat(),
        "first_issue_date": first.isoformat(),
        "licence_class": rng.choice(val.LICENCE_CLASSES),
        "valid_from": valid_from.isoformat(),
        "valid_until": val.add_years(valid_from, period).isoformat() if period else "长期",
    }
    page.text(44, 3.2, "中华人民共和国机动车驾驶证", 3.6, "serif_bold", role="title", anchor="ma")
    page.text(
        44, 7.8, "Driving License of the People's Republic of China", 1.7, role="title", anchor="ma"
    )
    ls, es, vs = 2.1, 1.3, 2.5

    def label(x: float, y: float, zh: str, en: str, name: str) -> float:
        after = page.label(x, y, zh, ls, field=name)
        page.text(after + 0.6, y + 0.7, en, es, role="label", field=name)
        return after + 0.6 + page.text_width(en, es) + 1.4

    y = 12.5
    x = label(5, y, "证号", "License No.", "licence_no")
    _value(page, x, y - 0.3, truth["licence_no"], 2.8, "licence_no", 60)
    y += 6.2
    x = label(5, y, "姓名", "Name", "name")
    _value(page, x, y - 0.2, truth["name"], vs, "name", 14)
    x = label(35, y, "性别", "Sex", "sex")
    _value(page, x, y - 0.2, truth["sex"], vs, "sex", 6)
    x = label(55, y, "国籍", "Nationality", "nationality")
    _value(page, x, y - 0.2, truth["nationality"], vs, "nationality", 10)
    y += 6.2
    x = label(5, y, "住址", "Address", "address")
    _value(page, x, y - 0.2, truth["address"], vs, "address", 62 - x, min_size=1.9)
    page.rect(64, 24.5, 84, 49, outline=(120, 120, 120), fill=(214, 222, 232), width=0.2)
    page.text(74, 36.5, "照片", 2.4, fill=(150, 160, 170), anchor="mm")
    rows = (
        ("出生日期", "Date of Birth", "birth_date"),
        ("初次领证日期", "Issue Date", "first_issue_date"),
        ("准驾车型", "Class", "licence_class"),
    )
    for zh, en, name in rows:
        y += 6.8
        x = label(5, y, zh, en, name)
        _value(page, x, y - 0.2, truth[name], vs, name, 62 - x)
    y += 6.8
    x = label(5, y, "有效期限", "Valid Period", "valid_from")
    page.text(x, y - 0.2, truth["valid_from"], vs, role="value", field="valid_from")
    x += page.text_width(truth["valid_from"], vs) + 1.2
    page.text(x, y - 0.2, "至", vs, role="label")
    x += page.text_width("至", vs) + 1.2
    page.text(x, y - 0.2, truth["valid_until"], vs, role="value", field="valid_until")
    draw_stamp(
        page.image,
        (page.px(rng.uniform(9, 13)), page.px(rng.uniform(50, 53))),
        page.px(6.5),
        home.province + "公安厅交通警察总队",
        "★",
        opacity=0.5,
    )
    return Rendered(page, truth, layout="driver_licence")


# --- 增值税发票 / 机动车维修发票 -----------------------------------------------------------

_GOODS = (
    ("*办公用品*打印纸", "A4 70g", "箱", 80, 260),
    ("*计算机外部设备*显示器", "24英寸", "台", 600, 1800),
    ("*信息技术服务*软件维护费", "", "项", 500, 5000),
    ("*餐饮服务*餐费", "", "次", 80, 900),
    ("*汽车用品*脚垫", "通用", "套", 120, 600),
    ("*润滑油*机油", "5W-30 4L", "桶", 180, 480),
)
_REPAIRS = (
    ("*修理修配劳务*钣金修复", "", "项", 200, 1500),
    ("*修理修配劳务*喷漆", "", "面", 300, 900),
    ("*修理修配劳务*拆装工时", "", "小时", 80, 200),
    ("*汽车零部件*前保险杠总成", "原厂", "个", 800, 3500),
    ("*汽车零部件*左前大灯总成", "原厂", "个", 900, 4200),
    ("*汽车零部件*翼子板", "副厂", "件", 300, 1200),
    ("*汽车零部件*前挡风玻璃", "福耀", "块", 700, 2600),
    ("*汽车零部件*后视镜总成", "原厂", "个", 400, 1800),
)


def _items(
    rng: random.Random, catalogue: tuple[tuple[str, str, str, int, int], ...], rate: Decimal
) -> tuple[list[tuple[str, str, str, int, Decimal, Decimal, Decimal]], Decimal, Decimal]:
    """Rows (name, spec, unit, qty, unit price, amount, tax) and the amount and tax totals."""
    rows: list[tuple[str, str, str, int, Decimal, Decimal, Decimal]] = []
    # Often the seller prices tax-inclusive and the invoice shows the price before tax with
    # many decimals (176.99115044), the amount rounded to the cent.
    tax_inclusive = rng.random() < 0.4
    for name, spec, unit, low, high in rng.sample(
        catalogue, rng.randint(1, min(5, len(catalogue)))
    ):
        qty = rng.choice((1, 1, 1, 2, 3, 4))
        price = val.money(Decimal(rng.randint(low * 100, high * 100)) / 100)
        if tax_inclusive:
            price = (price / (1 + rate)).quantize(Decimal("0.00000001"))
        amount = val.money(price * qty)
        tax = val.money(amount * rate)
        rows.append((name, spec, unit, qty, price, amount, tax))
    return rows, sum((r[5] for r in rows), Decimal(0)), sum((r[6] for r in rows), Decimal(0))


def _cipher(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789+-*/<>") for _ in range(length))


def render_invoice(rng: random.Random, repair: bool) -> Rendered:
    """A VAT special (paper) or electronic ordinary invoice; repair invoices carry plate and
    VIN in 备注 and repair items."""
    electronic = rng.random() < 0.5
    page = Page(240, 146 if not electronic else 150, scale=rng.uniform(6.5, 8.5))
    page.rect(
        0, 0, page.width, page.height, fill=(253, 252, 247) if not electronic else (255, 255, 255)
    )
    seller_addr, buyer_addr = val.address(rng), val.address(rng)
    seller_kinds = (
        ("汽车维修服务有限公司", "汽车修理厂", "汽车销售服务有限公司")
        if repair
        else val.COMPANY_KINDS
    )
    day = val.random_date(rng, date(2019, 1, 1), TODAY)
    rate = Decimal("0.13") if repair or rng.random() < 0.6 else Decimal("0.06")
    rows, amount, tax = _items(rng, _REPAIRS if repair else _GOODS, rate)
    total = amount + tax
    province = seller_addr.province.removesuffix("省").removesuffix("市")
    truth = {
        "invoice_code": (
            f"0{seller_addr.region[:4]}{day:%y}00{rng.randint(1, 9)}1{rng.randint(1, 9)}"
            if electronic
            else f"{seller_addr.region[:4]}{day:%y}{rng.randint(1, 3)}1{rng.randint(10, 99)}"
        ),
        "invoice_no": f"{rng.randint(0, 99999999):08d}",
        "date": day.isoformat(),
        "buyer": val.insurer_branch(rng, buyer_addr.province)
        if repair and rng.random() < 0.4  # insurers pay repair shops directly (直赔)
        else val.company_name(rng, buyer_addr.province),
        "buyer_tax_id": val.uscc(rng, buyer_addr.region),
        "seller": val.company_name(rng, seller_addr.province, seller_kinds),
        "seller_tax_id": val.uscc(rng, seller_addr.region),
        "amount": f"{amount:.2f}",
        "tax": f"{tax:.2f}",
        "total": f"{total:.2f}",
        "total_capital": amount_to_chinese_capital(total),
    }
    if electronic and not repair and rng.random() < 0.25:  # sold to a private person
        truth["buyer"] = val.person_name(rng)
        del truth["buyer_tax_id"]
    if repair:
        truth["plate"] = val.plate(rng, buyer_addr.plate_prefix, new_energy=rng.random() < 0.2)
        maker = rng.choice(val.MAKERS)
        truth["vin"] = val.vin(rng, maker[0], rng.randint(2016, 2024))
    frame = BROWN if not electronic else (140, 90, 60)
    ls, vs = 2.7, 3.0
    kind = "增值税电子普通发票" if electronic else "增值税专用发票"
    page.text(120, 6, f"{province}{kind}", 6.0, "serif_bold", fill=frame, role="title", anchor="ma")
    page.line(85, 15.5, 155, 15.5, frame, 0.4)
    page.line(85, 16.6, 155, 16.6, frame, 0.4)
    if electronic:
        qr = page.px(18) // 21
        for i in range(21):
            for j in range(21):
                if (
                    rng.random() < 0.5
                    or (i < 7 and j < 7)
                    or (i < 7 and j > 13)
                    or (i > 13 and j < 7)
                ):
                    qx, qy = page.px(8) + i * qr, page.px(5) + j * qr
                    page.draw.rectangle([qx, qy, qx + qr - 1, qy + qr - 1], fill=BLACK)
        after = page.label(8, 26, "机器编号:", ls, fill=frame)
        page.text(after + 1, 25.8, f"{rng.randint(10**11, 10**12 - 1)}", vs)
    else:
        page.text(10, 8, truth["invoice_code"], 4.2, fill=BLACK)
        page.text(160, 7, "No", 4.0, fill=frame)
        page.text(168, 6.5, truth["invoice_no"], 4.8, fill=(200, 40, 40))
    head = [("发票代码:", "invoice_code"), ("发票号码:", "invoice_no"), ("开票日期:", "date")]
    y = 16.5 if electronic else 17.5
    for lab, name in head:
        after = page.label(165, y, lab, ls, fill=frame, field=name)
        shown = f"{day.year}年{day.month:02d}月{day.day:02d}日" if name == "date" else truth[name]
        page.text(after + 1.5, y - 0.2, shown, vs, role="value", field=name)
        y += 5
    if electronic:
        after = page.label(165, y, "校验码:", ls, fill=frame)
        check = " ".join(f"{rng.randint(0, 99999):05d}" for _ in range(4))
        page.text(after + 1.5, y - 0.2, check, vs * 0.85)
    top = 36.0
    left, right = 8.0, 232.0
    page.rect(left, top, right, top + 100, outline=frame, width=0.35)

    def party(y0: float, title: str, prefix: str, addr: val.Address, extra_right: bool) -> None:
        page.line(left + 7, y0, left + 7, y0 + 25, frame, 0.25)
        for i, ch in enumerate(title):
            page.text(left + 3.5, y0 + 2.5 + i * 7, ch, ls * 1.1, fill=frame, anchor="ma")
        labels = (
            ("名      称:", prefix),
            ("纳税人识别号:", prefix + "_tax_id"),
            ("地 址、电 话:", ""),
            ("开户行及账号:", ""),
        )
        y = y0 + 1.5
        for lab, name in labels:
            named = name if name in truth else None
            after = page.label(left + 9, y, lab, ls, fill=frame, field=named)
            if name and name in truth:
                _value(page, after + 2, y - 0.3, truth[name], vs, name, 135 - after - 2)
            elif not name:
                text = (
                    f"{addr.text} {val.phone(rng)}"
                    if lab.startswith("地")
                    else val.bank_account(rng)
                )
                page.text(after + 2, y - 0.2, text, _fit(page, text, vs * 0.85, 135 - after - 2))
            y += 6
        page.line(140, y0, 140, y0 + 25, frame, 0.25)
        if extra_right:
            for i, ch in enumerate("密码区"):
                page.text(143, y0 + 2.5 + i * 7, ch, ls, fill=frame)
            for i in range(4):
                page.text(150, y0 + 2 + i * 5.8, _cipher(rng, 27), vs * 0.95, "mono")

    party(top, "购买方", "buyer", buyer_addr, True)
    y0 = top + 25
    page.line(left, y0, right, y0, frame, 0.25)
    columns = (
        ("货物或应税劳务、服务名称", left, 68),
        ("规格型号", 68, 92),
        ("单位", 92, 104),
        ("数量", 104, 118),
        ("单价", 118, 145),
        ("金额", 145, 178),
        ("税率", 178, 192),
        ("税额", 192, right),
    )
    for title, x0, x1 in columns:
        page.text((x0 + x1) / 2, y0 + 1.2, title, ls, fill=frame, anchor="ma", role="label")
    line_items: list[LineItem] = []
    y = y0 + 7
    rate_text = f"{int(rate * 100)}%"
    for name, spec, unit, qty, price, row_amount, row_tax in rows:
        cells = (
            name,
            spec,
            unit,
            str(qty),
            format_amount(price),
            f"{row_amount:.2f}",
            rate_text,
            f"{row_tax:.2f}",
        )
        for column, ((_, x0, x1), cell) in enumerate(zip(columns, cells, strict=True)):
            if not cell:
                continue
            numeric = column >= 3  # 数量 单价 金额 税率 税额 are right-aligned
            size = _fit(page, cell, vs * 0.9, x1 - x0 - 2)
            page.text(
                x1 - 1 if numeric else x0 + 1.5, y, cell, size, anchor="ra" if numeric else "la"
            )
        line_items.append(LineItem(name, str(qty), format_amount(price), f"{row_amount:.2f}"))
        y += 5
    y_sum = y0 + 36
    page.text(left + 20, y_sum, "合        计", ls, fill=frame, role="label")
    page.text(177, y_sum, f"¥{truth['amount']}", vs, role="value", field="amount", anchor="ra")
    page.text(right - 1, y_sum, f"¥{truth['tax']}", vs, role="value", field="tax", anchor="ra")
    y1 = y0 + 42
    page.line(left, y1, right, y1, frame, 0.25)
    after = page.label(left + 3, y1 + 2, "价税合计（大写）", ls, fill=frame, field="total_capital")
    page.text(after + 3, y1 + 1.6, "⊗", vs, fill=BLACK)
    page.text(after + 7, y1 + 1.6, truth["total_capital"], vs, role="value", field="total_capital")
    after = page.label(160, y1 + 2, "（小写）", ls, fill=frame, field="total")
    page.text(after + 1.5, y1 + 1.6, f"¥{truth['total']}", vs, role="value", field="total")
    y2 = y1 + 8
    page.line(left, y2, right, y2, frame, 0.25)
    party(y2, "销售方", "seller", seller_addr, False)
    for i, ch in enumerate("备注"):
        page.text(143, y2 + 4 + i * 8, ch, ls, fill=frame)
    if repair:
        after = page.label(150, y2 + 3, "车牌号:", ls, field="plate")
        page.text(after + 1.5, y2 + 2.8, truth["plate"], vs, role="value", field="plate")
        after = page.label(150, y2 + 9, "车架号:", ls, field="vin")
        page.text(after + 1.5, y2 + 8.8, truth["vin"], vs, role="value", field="vin")
        page.text(150, y2 + 15, "机动车维修结算", ls)
    page.line(left, y2 + 25, right, y2 + 25, frame, 0.25)
    bottom = top + 102
    for x, lab in ((12, "收款人:"), (70, "复核:"), (120, "开票人:"), (180, "销售方:(章)")):
        after = page.label(x, bottom, lab, ls, fill=frame)
        if lab != "销售方:(章)":
            page.text(after + 1.5, bottom - 0.2, val.person_name(rng), vs * 0.9)
    draw_stamp(
        page.image,
        (page.px(rng.uniform(195, 215)), page.px(rng.uniform(118, 128))),
        page.px(15),
        truth["seller"],
        f"{truth['seller_tax_id']}\n发票专用章",
        opacity=0.75,
        oval=True,
    )
    layout = ("repair_" if repair else "vat_") + ("electronic" if electronic else "paper")
    return Rendered(page, truth, line_items, layout=layout)


# --- English receipts --------------------------------------------------------------------

_SHOP_WORDS = (
    "SUNRISE",
    "GOLDEN",
    "MEGA",
    "UNITED",
    "EVERGREEN",
    "KIM HUAT",
    "SENG LEE",
    "PERFECT",
    "NEW ERA",
    "ASIA",
)
_SHOP_KINDS = (
    "AUTO PARTS SDN BHD",
    "HARDWARE TRADING",
    "ENTERPRISE",
    "MOTOR SERVICES SDN BHD",
    "TYRE & BATTERY",
    "CAR WASH CENTRE",
)
_STREETS = (
    "JALAN MERANTI",
    "JALAN KUCHAI LAMA",
    "JALAN BUKIT BINTANG",
    "LORONG SETIA",
    "JALAN USJ",
    "JALAN SS",
)
_TOWNS = (
    ("SHAH ALAM", "40400", "SELANGOR"),
    ("PETALING JAYA", "47301", "SELANGOR"),
    ("KUALA LUMPUR", "58200", "WILAYAH PERSEKUTUAN"),
    ("JOHOR BAHRU", "80100", "JOHOR"),
    ("IPOH", "30450", "PERAK"),
)
_RECEIPT_ITEMS = (
    ("ENGINE OIL 5W30 4L", 45, 160),
    ("OIL FILTER", 12, 45),
    ('WIPER BLADE 22"', 15, 60),
    ("BRAKE PAD FRONT", 80, 260),
    ("CAR SHAMPOO", 8, 30),
    ("COOLANT 1L", 12, 38),
    ("SPARK PLUG", 18, 55),
    ("LABOUR CHARGE", 30, 150),
    ("AIR FILTER", 20, 75),
    ("BULB H4 12V", 10, 40),
)


def render_receipt(rng: random.Random) -> Rendered:
    items = rng.sample(_RECEIPT_ITEMS, rng.randint(1, 5))
    width = 80.0
    line_h = 4.6
    height = 70 + line_h * (2 * len(items) + 12)
    page = Page(width, height, scale=rng.uniform(7.0, 9.0), background=(250, 249, 245))
    seller = f"{rng.choice(_SHOP_WORDS)} {rng.choice(_SHOP_KINDS)}"
    town, postcode, state = rng.choice(_TOWNS)
    address_lines = [
        f"NO. {rng.randint(1, 199)}, {rng.choice(_STREETS)} {rng.randint(1, 30)},",
        f"{postcode} {town},",
        f"{state}.",
    ]
    day = val.random_date(rng, date(2017, 1, 1), TODAY)
    date_text = rng.choice(
        (f"{day:%d/%m/%Y}", f"{day:%d-%m-%Y}", f"{day:%d %b %Y}".upper(), f"{day:%Y-%m-%d}")
    )
    rows: list[tuple[str, int, Decimal, Decimal]] = []
    for desc, low, high in items:
        qty = rng.choice((1, 1, 2, 3))
        price = val.money(Decimal(rng.randint(low * 100, high * 100)) / 100)
        rows.append((desc, qty, price, price * qty))
    subtotal = sum((r[3] for r in rows), Decimal(0))
    tax = val.money(subtotal * Decimal("0.06")) if rng.random() < 0.6 else Decimal(0)
    total = subtotal + tax
    truth = {
        "seller": seller,
        "date": day.isoformat(),
        "address": " ".join(address_lines),
        "total": f"{total:.2f}",
    }
    size = 3.0
    mid = width / 2
    y = 5.0
    _value(page, mid - 36, y, seller, 3.4, "seller", 72, style="sans_bold")
    y += line_h + 0.6
    page.text(
        mid,
        y,
        f"(CO. REG: {rng.randint(100000, 999999)}-{rng.choice('ABCDHKMPTUVWX')})",
        size * 0.85,
        "mono",
        anchor="ma",
    )
    y += line_h
    for line in address_lines:
        page.text(
            mid,
            y,
            line,
            _fit(page, line, size, 74, "mono"),
            "mono",
            role="value",
            field="address",
            anchor="ma",
        )
        y += line_h
    page.text(
        mid,
        y,
        f"TEL: 0{rng.randint(3, 9)}-{rng.randint(1000000, 9999999)}",
        size,
        "mono",
        anchor="ma",
    )
    y += line_h * 1.4
    page.text(
        mid,
        y,
        rng.choice(("TAX INVOICE", "RECEIPT", "CASH BILL")),
        size * 1.1,
        "sans_bold",
        anchor="ma",
    )
    y += line_h * 1.3
    after = page.label(4, y, "DATE:", size, style="mono", field="date")
    page.text(after + 1.5, y, date_text, size, "mono", role="value", field="date")
    page.text(
        width - 4,
        y,
        f"TIME: {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}",
        size,
        "mono",
        anchor="ra",
    )
    y += line_h
    page.text(
        4,
        y,
        f"INV NO: {rng.randint(10000, 99999)}    CASHIER: {rng.randint(1, 9):02d}",
        size,
        "mono",
    )
    y += line_h
    page.text(4, y, "-" * 40, size, "mono")
    y += line_h
    line_items: list[LineItem] = []
    for desc, qty, price, amount in rows:
        page.text(4, y, desc, size, "mono")
        y += line_h
        page.text(8, y, f"{qty} x {price:.2f}", size, "mono")
        page.text(width - 4, y, f"{amount:.2f}", size, "mono", anchor="ra")
        y += line_h
        line_items.append(LineItem(desc, str(qty), f"{price:.2f}", f"{amount:.2f}"))
    page.text(4, y, "-" * 40, size, "mono")
    y += line_h
    for lab, amount in (("SUBTOTAL", subtotal), ("SST 6%", tax)):
        if lab.startswith("SST") and not tax:
            continue
        page.text(4, y, lab, size, "mono", role="label")
        page.text(width - 4, y, f"{amount:.2f}", size, "mono", anchor="ra")
        y += line_h
    total_label = rng.choice(("TOTAL", "TOTAL (RM)", "TOTAL AMOUNT", "GRAND TOTAL"))
    page.text(4, y, total_label, size * 1.1, "sans_bold", role="label", field="total")
    page.text(
        width - 4,
        y,
        f"{total:.2f}",
        size * 1.1,
        "sans_bold",
        role="value",
        field="total",
        anchor="ra",
    )
    y += line_h * 1.2
    cash = (total / 10).to_integral_value(rounding=ROUND_CEILING) * 10
    page.text(4, y, "CASH", size, "mono")
    page.text(width - 4, y, f"{cash:.2f}", size, "mono", anchor="ra")
    y += line_h
    page.text(4, y, "CHANGE", size, "mono")
    page.text(width - 4, y, f"{cash - total:.2f}", size, "mono", anchor="ra")
    y += line_h * 1.6
    page.text(mid, y, "THANK YOU! PLEASE COME AGAIN", size, "mono", anchor="ma")
    # The paper is torn off just below the last line.
    page.image = page.image.crop((0, 0, page.image.width, page.px(y + 10)))
    return Rendered(page, truth, line_items, layout="receipt")
