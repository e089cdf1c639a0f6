"""Random but valid field values: VINs, plates, ID numbers, credit codes, people, firms, items.

Every value passes the checks in `autoclaim.ocr.validators`, so a generated document is a
fair test of reading (a failing check on a generated document is a reading error).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from autoclaim.ocr import validators as v

CENT = Decimal("0.01")

# Region codes with the province, city and district they name (ID numbers and addresses).
REGIONS: tuple[tuple[str, str, str, str, str], ...] = (
    # code, province, city, district, plate prefix
    ("110105", "北京市", "", "朝阳区", "京A"),
    ("110108", "北京市", "", "海淀区", "京B"),
    ("310104", "上海市", "", "徐汇区", "沪A"),
    ("310115", "上海市", "", "浦东新区", "沪B"),
    ("440305", "广东省", "深圳市", "南山区", "粤B"),
    ("440106", "广东省", "广州市", "天河区", "粤A"),
    ("320102", "江苏省", "南京市", "玄武区", "苏A"),
    ("320505", "江苏省", "苏州市", "虎丘区", "苏E"),
    ("330106", "浙江省", "杭州市", "西湖区", "浙A"),
    ("510104", "四川省", "成都市", "锦江区", "川A"),
    ("420106", "湖北省", "武汉市", "武昌区", "鄂A"),
    ("370102", "山东省", "济南市", "历下区", "鲁A"),
    ("500103", "重庆市", "", "渝中区", "渝A"),
    ("610113", "陕西省", "西安市", "雁塔区", "陕A"),
    ("430104", "湖南省", "长沙市", "岳麓区", "湘A"),
    ("350203", "福建省", "厦门市", "思明区", "闽D"),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉梅建国志强海燕红梅文博子"
    "涵浩然欣怡宇轩梓萱俊杰思远雨婷佳怡晨阳嘉琪"
)
STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "新华路",
    "科技路",
    "学府路",
    "长江路",
    "光明街",
    "文化路",
    "东风路",
)
COMPANY_WORDS = (
    "华信",
    "鑫达",
    "永安",
    "盛世",
    "恒通",
    "瑞丰",
    "宏远",
    "金桥",
    "天成",
    "博远",
    "嘉禾",
    "中联",
)
COMPANY_KINDS = (
    "汽车维修服务有限公司",
    "汽车销售服务有限公司",
    "商贸有限公司",
    "科技有限公司",
    "物流有限公司",
    "汽车修理厂",
)
BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "招商银行", "交通银行")

# WMIs of car makers in China, with a brand and model-code stem for 品牌型号.
MAKERS: tuple[tuple[str, str, str], ...] = (
    ("LSV", "大众汽车牌", "SVW7"),
    ("LFV", "一汽-大众牌", "FV7"),
    ("LHG", "广汽本田牌", "GHA7"),
    ("LVG", "广汽丰田牌", "GTM7"),
    ("LGB", "东风日产牌", "DFL7"),
    ("LBV", "华晨宝马牌", "BMW7"),
    ("LE4", "北京奔驰牌", "BJ7"),
    ("LC0", "比亚迪牌", "BYD7"),
    ("LRW", "特斯拉牌", "TSL7"),
    ("LSG", "别克牌", "SGM7"),
    ("LVS", "长安福特牌", "CAF7"),
    ("LGW", "长城牌", "CC6"),
)
VEHICLE_TYPES = (
    "小型轿车",
    "小型普通客车",
    "小型越野客车",
    "小型轿车",
    "轻型厢式货车",
    "中型普通客车",
)
USE_CHARACTERS = ("非营运", "非营运", "非营运", "营运", "租赁", "预约出租客运")
LICENCE_CLASSES = ("C1", "C1", "C1", "C2", "C1E", "B2", "A2", "A1", "B1", "A2D")
# VIN position 10: model year.
_YEAR_CODES = {2016: "G", 2017: "H", 2018: "J", 2019: "K", 2020: "L", 2021: "M", 2022: "N"}
_YEAR_CODES.update({2023: "P", 2024: "R", 2025: "S"})
_PLATE_SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A day between start and end inclusive."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def add_years(day: date, years: int) -> date:
    """Same month and day `years` later (29 Feb becomes 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def vin(rng: random.Random, wmi: str, year: int) -> str:
    """A VIN with a correct check digit at position 9 (ISO 3779 / GB 16735)."""
    vds = "".join(rng.choice(v.VIN_ALPHABET) for _ in range(5))
    plant = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
    serial = "".join(rng.choice("0123456789") for _ in range(6))
    body = wmi + vds + "0" + _YEAR_CODES.get(year, "R") + plant + serial
    return body[:8] + v.vin_check_digit(body) + body[9:]


def plate(rng: random.Random, prefix: str, new_energy: bool) -> str:
    """A civil plate: 5 serial characters (at most two letters), or 6 for new-energy cars."""
    if new_energy:
        if rng.random() < 0.8:  # small: D/F, letter or digit, four digits
            second = rng.choice(_PLATE_SERIAL + "0123456789")
            return prefix + rng.choice("DF") + second + f"{rng.randint(0, 9999):04d}"
        return prefix + f"{rng.randint(0, 99999):05d}" + rng.choice("DF")
    serial = [rng.choice("0123456789") for _ in range(5)]
    for position in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
        serial[position] = rng.choice(_PLATE_SERIAL)
    return prefix + "".join(serial)


def id_number(rng: random.Random, region: str, born: date, male: bool) -> str:
    """An ID number (GB 11643) with the birth date, sex digit and check character."""
    sequence = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + v.id_check_char(body)


def uscc(rng: random.Random, region: str) -> str:
    """A unified social credit code (GB 32100) of a registered company, valid org code."""
    org_body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = org_body + v.org_code_check_char(org_body)
    if org[-1] not in v.USCC_ALPHABET:  # an org code ending in a letter the USCC lacks
        return uscc(rng, region)
    body = "91" + region + org
    return body + v.uscc_check_char(body)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@dataclass(frozen=True)
class Address:
    region: str
    province: str
    text: str
    plate_prefix: str


def address(rng: random.Random) -> Address:
    code, province, city, district, prefix = rng.choice(REGIONS)
    street = rng.choice(STREETS)
    text = f"{province}{city}{district}{street}{rng.randint(1, 399)}号"
    if rng.random() < 0.5:
        text += f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    return Address(region=code, province=province, text=text, plate_prefix=prefix)


def company_name(rng: random.Random, province: str, kinds: tuple[str, ...] = COMPANY_KINDS) -> str:
    city = province.removesuffix("省").removesuffix("市")
    return city + rng.choice(COMPANY_WORDS) + rng.choice(kinds)


INSURERS = (
    "中国人民财产保险股份有限公司",
    "中国平安财产保险股份有限公司",
    "中国太平洋财产保险股份有限公司",
)


def insurer_branch(rng: random.Random, province: str) -> str:
    """A motor insurer's provincial branch, the buyer on directly paid repair invoices."""
    return rng.choice(INSURERS) + province.removesuffix("省").removesuffix("市") + "分公司"


def phone(rng: random.Random) -> str:
    return f"0{rng.randint(10, 999)}-{rng.randint(20000000, 89999999)}"


def bank_account(rng: random.Random) -> str:
    branch = rng.choice(("分行", "支行"))
    number = "".join(rng.choice("0123456789") for _ in range(19))
    return f"{rng.choice(BANKS)}{rng.choice(STREETS)[:2]}{branch} {number}"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def engine_number(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    return letters + "".join(rng.choice("0123456789") for _ in range(6))


def model_code(rng: random.Random, stem: str, electric: bool) -> str:
    return stem + f"{rng.randint(100, 699)}{rng.randint(0, 9)}" + ("BEV" if electric else "")
