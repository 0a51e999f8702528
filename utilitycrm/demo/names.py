"""Plausible Chinese names, addresses and numbers for the demo utility."""

from __future__ import annotations

import random

PLACES = (
    "城东",
    "城西",
    "城南",
    "城北",
    "高新",
    "滨河",
    "金山",
    "青龙",
    "白沙",
    "桃源",
    "石桥",
    "新港",
    "长岭",
    "龙泉",
    "柳湾",
    "东湖",
    "西苑",
    "南郊",
    "北塘",
    "红星",
    "永安",
    "和平",
    "平川",
    "汇通",
)
NUMERALS = "零一二三四五六七八九"
TRADES = (
    "机械",
    "纺织",
    "化工",
    "食品",
    "电子",
    "建材",
    "物流",
    "医药",
    "钢结构",
    "塑业",
    "包装",
    "冶金",
    "汽车配件",
    "印染",
    "造纸",
    "饮料",
    "家具",
    "光伏",
    "数据中心",
    "商贸",
)
FORMS = ("有限公司", "股份有限公司", "有限责任公司", "制造有限公司")
COMMERCE = ("大酒店", "购物中心", "商厦", "超市", "医院", "中学", "写字楼", "物业服务中心")
FARMS = ("农业合作社", "灌溉站", "养殖场", "种植基地")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红"
ROADS = (
    "人民路",
    "建设路",
    "解放路",
    "工业大道",
    "滨河路",
    "文化路",
    "中山路",
    "开发区大道",
    "科技路",
    "长江路",
)
DISTRICT = "示范市"


def chinese_number(number: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (line names are numbered this way)."""
    if number < 10:
        return NUMERALS[number]
    tens, ones = divmod(number, 10)
    head = "" if tens == 1 else NUMERALS[tens]
    return f"{head}十{NUMERALS[ones] if ones else ''}"


def place(index: int) -> str:
    base = PLACES[index % len(PLACES)]
    return base if index < len(PLACES) else f"{base}{chinese_number(index // len(PLACES) + 1)}"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def company(rng: random.Random, area: str) -> str:
    return f"{DISTRICT}{area}{rng.choice(TRADES)}{rng.choice(FORMS)}"


def commerce(rng: random.Random, area: str) -> str:
    return f"{DISTRICT}{area}{rng.choice(COMMERCE)}"


def farm(rng: random.Random, area: str) -> str:
    return f"{area}{rng.choice(FARMS)}"


def address(rng: random.Random, area: str) -> str:
    return f"{DISTRICT}{area}区{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def credit_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return f"91410100{body}{rng.choice('0123456789')}"
