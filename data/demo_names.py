"""Plausible names and unified social credit codes (统一社会信用代码) for demo market entities."""

from __future__ import annotations

import numpy as np

from data.demo_common import COMPANY, INDIVIDUAL

# Characters businesses like in their 字号 (trade names).
TRADE_CHARS = list(
    "鑫盛华源泰隆祥瑞达通宏昌金恒丰德利兴嘉福顺安康博宇科新天远峰润晟聚汇信诚佳和美荣旺辰星海蒙"
    "益鼎凯顺腾飞众合永志广正弘亿佰万家豪骏驰达锦绣祥云溢轩沃禾田牧原野青松银河北辰东方"
)
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文包"
)

COMPANY_WORDS = {
    "A": ["农牧业", "牧业", "种植", "农业科技", "肉牛养殖", "草业"],
    "B": ["矿业", "煤业", "砂石"],
    "C": ["食品", "机械制造", "建材", "饲料", "乳业", "玉米生物科技", "铝业", "包装制品"],
    "D": ["新能源", "热力", "风力发电", "供水"],
    "E": ["建筑工程", "建设工程", "装饰工程", "路桥工程", "水利工程"],
    "F": ["商贸", "贸易", "农资", "建材销售", "汽车销售", "医药连锁", "粮油贸易"],
    "G": ["物流", "运输", "货运", "仓储"],
    "H": ["餐饮管理", "酒店管理", "餐饮服务"],
    "I": ["网络科技", "信息技术", "软件"],
    "J": ["融资担保", "小额贷款"],
    "K": ["房地产开发", "物业服务", "房地产经纪"],
    "L": ["商务服务", "劳务派遣", "广告传媒", "会展服务"],
    "M": ["工程技术", "检测", "勘察设计", "环保科技"],
    "N": ["园林绿化", "环境工程", "水务"],
    "O": ["家政服务", "汽车服务", "美容美发"],
    "P": ["教育咨询", "职业培训", "文化艺术培训"],
    "Q": ["医疗管理", "健康管理", "养老服务"],
    "R": ["文化传媒", "体育发展", "旅游开发"],
    "S": ["社会服务"],
    "T": ["国际交流"],
}
SHOP_WORDS = {
    "A": ["种植园", "养殖场", "家庭农场"],
    "C": ["豆腐坊", "加工厂", "面粉加工部", "门窗加工部"],
    "E": ["装修队", "水暖安装部"],
    "F": [
        "便利店",
        "超市",
        "日杂店",
        "五金店",
        "农资商店",
        "服装店",
        "烟酒店",
        "粮油店",
        "手机店",
        "水果店",
        "建材商店",
        "药店",
    ],
    "G": ["货运部", "快递代办点"],
    "H": ["饭店", "烧烤店", "面馆", "小吃部", "火锅店", "家常菜馆", "宾馆", "旅店", "早餐店", "奶茶店"],
    "I": ["网吧", "打字复印部"],
    "L": ["广告部", "婚庆服务部"],
    "M": ["摄影部"],
    "N": ["保洁服务部"],
    "O": ["理发店", "美容院", "洗浴中心", "家电维修部", "汽车修理部", "洗车行", "干洗店"],
    "P": ["培训部"],
    "Q": ["诊所", "推拿馆"],
    "R": ["歌厅", "棋牌室", "台球厅"],
}
FOOD_WORDS = ["拉面馆", "烧烤", "饺子馆", "包子铺", "熟食店", "肉饼店"]
COOP_WORDS = [
    "种植",
    "养殖",
    "肉牛养殖",
    "农机服务",
    "玉米种植",
    "红干椒种植",
    "杂粮种植",
    "养羊",
    "蔬菜种植",
    "中草药种植",
]

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015 code characters (no I, O, Z, S, V)."""
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_BODY_MULTIPLIER = 527_117_603_023  # ~0.618 * 31**8 and coprime with 31: ids map one-to-one, scattered
_BODY_OFFSET = 97_531_246_813


def _char_value(chars: np.ndarray) -> np.ndarray:
    """GB 11714 value of an organisation-code character: digits as such, A = 10 … Z = 35."""
    codes = chars.view(np.int32) if chars.dtype.kind == "U" else chars
    return np.where(codes <= ord("9"), codes - ord("0"), codes - ord("A") + 10)


def uscc_codes(ids: np.ndarray, entity_types: np.ndarray, region_codes: list[str]) -> list[str]:
    """Valid-looking, unique 18-character codes: 9 (market regulator), type digit, region, body, check."""
    n = len(ids)
    body_number = (ids.astype(np.int64) * _BODY_MULTIPLIER + _BODY_OFFSET) % (31**8)
    alphabet = np.array(list(USCC_CHARS))
    digits = np.empty((n, 8), dtype=np.int64)
    rest = body_number
    for i in range(7, -1, -1):
        digits[:, i] = rest % 31
        rest = rest // 31
    org_chars = alphabet[digits]
    org_values = _char_value(org_chars.astype("U1"))
    org_check = (11 - (org_values * _ORG_WEIGHTS).sum(axis=1) % 11) % 11
    org_check_char = np.where(org_check == 10, "X", org_check.astype(str))
    type_char = np.array(["1", "2", "3"])[entity_types]
    prefix = np.char.add(np.char.add("9", type_char), np.array(region_codes, dtype="U6"))
    body = np.ascontiguousarray(org_chars).view("U8").reshape(n)
    first17 = np.char.add(np.char.add(prefix, body), org_check_char)
    lookup = np.zeros(128, dtype=np.int64)
    lookup[[ord(c) for c in USCC_CHARS]] = np.arange(len(USCC_CHARS))
    values = lookup[np.ascontiguousarray(first17, dtype="U17").view(np.int32).reshape(n, 17)]
    check = (31 - (values * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    return [code + USCC_CHARS[c] for code, c in zip(first17.tolist(), check.tolist())]


def uscc_is_valid(code: str) -> bool:
    """Whether a USCC's last character is its GB 32100 check character."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS.tolist()))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


def entity_names(
    rng: np.random.Generator,
    entity_types: np.ndarray,
    sections: np.ndarray,
    county_names: np.ndarray,
    town_names: np.ndarray,
) -> list[str]:
    """One name per entity, shaped like real registrations in the county."""
    n = len(entity_types)
    trade = np.char.add(
        np.array(TRADE_CHARS)[rng.integers(0, len(TRADE_CHARS), n)],
        np.array(TRADE_CHARS)[rng.integers(0, len(TRADE_CHARS), n)],
    ).tolist()
    roll = rng.random(n)
    choice = rng.integers(0, 1_000_000, n)
    surnames = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)].tolist()
    names = []
    for i in range(n):
        kind, section, county = entity_types[i], sections[i] or "F", county_names[i]
        if kind == COMPANY:
            words = COMPANY_WORDS[section]
            prefix = "通辽市" if roll[i] < 0.6 else county if roll[i] < 0.85 else "内蒙古"
            suffix = "有限责任公司" if choice[i] % 7 == 0 else "股份有限公司" if choice[i] % 97 == 0 else "有限公司"
            names.append(f"{prefix}{trade[i]}{words[choice[i] % len(words)]}{suffix}")
        elif kind == INDIVIDUAL:
            words = SHOP_WORDS.get(section, SHOP_WORDS["F"])
            if section == "H" and roll[i] < 0.3:
                style = "记" if choice[i] % 2 else ""
                head = f"{surnames[i]}{style}" if style else f"老{surnames[i]}家"
                names.append(f"{county}{head}{FOOD_WORDS[choice[i] % len(FOOD_WORDS)]}")
            else:
                names.append(f"{county}{trade[i]}{words[choice[i] % len(words)]}")
        else:
            word = COOP_WORDS[choice[i] % len(COOP_WORDS)]
            town = town_names[i] if roll[i] < 0.4 and town_names[i].endswith("镇") else ""
            tail = "农民专业合作社" if roll[i] < 0.7 else "专业合作社"
            names.append(f"{county}{town}{trade[i]}{word}{tail}")
    return names
