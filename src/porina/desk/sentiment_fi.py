"""Finnish sentiment: a hand-written lexicon scored the way VADER scores English.

Finnish inflects heavily (``ihana``, ``ihanaa``, ``ihanat``, ``ihanin``) and stemmers disagree
with themselves on short adjectives (Snowball stems ``ihana`` to ``iha`` but ``ihanaa`` to
``ihan``, which is also the word for "quite"), so words are matched by their longest listed
*prefix* with at most ``MAX_ENDING`` letters after it; ``EXACT`` holds the short words a prefix
would over-match. Valences use VADER's scale (-4 … +4).

The rules are VADER's (Hutto & Gilbert 2014), with Finnish words: boosters and dampeners in
the three words before, negation by the negative verb (``ei``, ``en``, ``et`` …) in the three
words before, ``mutta`` weighting what follows, exclamation marks, capitals. Words such as
``kamalan`` and ``hirveän`` are boosters when a sentiment word follows (``kamalan hyvä``), and
``hyvin`` is "very" before one (``hyvin huono``) and "well" otherwise (``toimii hyvin``).
Customer-service phrases ("ei ole tullut", "kukaan ei vastaa") are scored as phrases.
"""

from __future__ import annotations

import math
import re

MAX_ENDING = 7


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# fmt: off
PREFIXES: dict[str, float] = {
    "hyvä": 1.9, "hyviä": 1.9, "hyvää": 1.9, "loista": 3.0, "mahtav": 2.8, "mahtis": 2.5,
    "upea": 3.0, "upei": 3.0, "ihana": 3.0, "ihani": 3.0, "kiva": 2.0, "kivo": 2.0,
    "mukava": 2.0, "mukavi": 2.0, "herkul": 2.8, "maukas": 2.3, "maukka": 2.3, "kiito": 1.8,
    "kiitt": 1.8, "kiitolli": 2.5, "rakasta": 3.0, "rakastu": 3.0, "suosittel": 2.2,
    "tykkä": 2.0, "tykkää": 2.0, "ihastu": 2.6, "ihastutta": 2.6, "paras": 3.0, "parha": 3.0,
    "parem": 1.5, "onnistu": 1.8, "onnelli": 2.8, "onnea": 2.3, "onneksi": 1.0, "ilahdu": 2.5,
    "ilahdutt": 2.5, "iloi": 2.3, "iloa": 2.0, "täydelli": 2.8, "erinomai": 3.0, "huippu": 2.7,
    "hieno": 2.5, "kaunis": 2.5, "kaunii": 2.5, "ystävälli": 2.4, "avulia": 2.0, "auttava": 1.6,
    "sujuv": 1.8, "helppo": 1.2, "helpo": 1.2, "tyytyväi": 2.4, "suosikki": 2.3, "suosiki": 2.3,
    "suosittu": 1.2, "innolla": 2.0, "innostu": 2.2, "innostav": 2.2, "kehu": 1.5,
    "mielellä": 1.4, "kiinnostav": 1.5, "kätevä": 1.8, "laadukas": 2.2, "laadukka": 2.2,
    "viihtyisä": 2.4, "suloi": 2.2, "hurmaav": 2.6, "taivaalli": 3.0, "ihmeelli": 2.5,
    "siisti": 1.8, "reilu": 1.6, "reilua": 1.6, "kotoisa": 2.0, "palkitsev": 2.0, "nopea": 1.2,
    "nopeas": 1.2, "nopeat": 1.2, "nopeaa": 1.2, "raikas": 1.8, "raikka": 1.8, "tuore": 1.4,
    "lämmin": 1.2, "lämpimä": 1.2, "rauhalli": 1.2, "ammattitaitoi": 2.4, "asiantunteva": 2.2,
    "positiivi": 2.0, "onnistunut": 2.0, "toimiva": 1.6, "toimii": 0.4, "toimi": 0.4,
    "toimin": 0.4, "koukussa": 2.0, "loisto": 2.8, "arvoinen": 1.4, "arvoisi": 1.4,
    "hyväksy": 0.0, "valmis": 0.8, "valmii": 0.8, "latautu": 0.8, "välittä": 1.2, "repe": -1.8,
    "repes": -1.8, "katosi": -1.4, "kelpaa": 1.0, "kaipaa": 0.8, "yllätt": 1.0, "ylläty": 1.0,
    "piristä": 2.0, "hymy": 1.8, "nautin": 2.4, "nautti": 2.4, "nautinto": 2.6, "arvostan": 2.2,
    "arvosta": 2.0, "mielettömä": 2.5, "älyttömä": 2.0, "ehdoton": 1.8, "ehdottoma": 1.8,
    "hyvin": 1.6, "hauska": 2.0, "hauskoj": 2.0, "suositus": 1.6, "huono": -2.2, "huonoi": -2.2,
    "surke": -2.8, "kamal": -3.0, "kauhe": -3.0, "hirve": -2.8, "karse": -2.8,
    "ala-arvoi": -3.0, "pettyny": -2.6, "pettymy": -2.6, "pettymys": -2.6, "petyin": -2.6,
    "petti": -2.4, "pettänyt": -2.4, "harmi": -1.8, "harmitt": -1.8, "valitett": -1.2,
    "valitus": -1.8, "valitan": -1.8, "valitta": -1.8, "ärsy": -2.4, "vihai": -2.8,
    "viha": -3.0, "suutu": -2.6, "suuttu": -2.6, "raivo": -3.0, "inho": -2.8, "myöhä": -1.6,
    "myöhässä": -1.6, "rikki": -2.2, "rikkinäi": -2.2, "rikkoutu": -2.2, "viall": -2.2,
    "vika": -1.8, "vikaa": -1.8, "viat": -1.8, "virhe": -1.6, "ongelm": -1.8, "häiriö": -1.6,
    "hidas": -1.6, "hitaa": -1.6, "hitai": -1.6, "kallis": -1.4, "kallii": -1.4,
    "ylihinno": -2.2, "törky": -3.0, "paska": -3.2, "perseest": -3.0, "vittu": -3.0,
    "saatana": -2.5, "helvet": -2.0, "hemmet": -1.6, "epäkohteli": -2.6, "töyke": -2.6,
    "tyly": -2.3, "epäystävälli": -2.6, "likai": -2.4, "sotku": -1.8, "mauton": -2.2,
    "mautto": -2.2, "ällö": -2.6, "ikävä": -1.8, "ikävää": -1.8, "paha": -2.2, "pahi": -2.2,
    "pahe": -2.2, "surulli": -2.4, "suru": -2.0, "pelottav": -2.0, "huijau": -3.0,
    "huija": -3.0, "petos": -3.0, "katastrofi": -3.0, "tyytymätö": -2.6, "turhaut": -2.6,
    "turha": -1.6, "kurja": -2.2, "sääli": -1.2, "tylsä": -1.8, "kyllästy": -2.4, "väärä": -1.6,
    "väärin": -1.6, "puuttu": -1.4, "kadonnut": -1.6, "kadonneet": -1.6, "hukassa": -1.6,
    "hyvity": -1.2, "reklamaatio": -2.0, "reklamoi": -2.0, "hävettä": -2.2, "nolo": -1.6,
    "röyhke": -2.6, "järkyttä": -2.8, "järkyty": -2.8, "sietämätö": -3.0, "kauhistu": -2.8,
    "kammottav": -2.8, "vastenmieli": -3.0, "kuvottav": -3.0, "ahdista": -2.2, "stressa": -1.4,
    "vaike": -1.0, "mahdoton": -1.6, "mahdotto": -1.6, "kylmä": -0.8, "kylmää": -0.8,
    "kuiva": -1.2, "vanhentun": -1.8, "homee": -2.6, "home": -2.4, "palanee": -1.4,
    "palanut": -1.4, "jäähtyn": -1.2, "laimea": -1.6, "laimeaa": -1.6, "epäonnistu": -2.2,
    "veloitett": -0.8, "veloitti": -0.8, "kaksinkertai": -1.0, "vaarallis": -2.4,
    "sairastu": -2.6, "ruokamyrkyty": -3.2, "epäreilu": -2.2, "pettävä": -2.4, "sekava": -1.4,
    "sekavaa": -1.4, "epäselv": -1.2, "jumitt": -1.8, "jumissa": -1.8, "kaatu": -1.6,
    "hävis": -1.4, "poistuin": -0.8, "luvattoma": -2.0, "naurettav": -2.6,
}
"""Prefix → valence. A token matches the longest prefix it starts with when at most
``MAX_ENDING`` letters follow."""

EXACT: dict[str, float] = {
    "nam": 2.0, "namia": 2.0, "wau": 2.5, "vau": 2.5, "jes": 2.0, "jee": 2.2, "jess": 2.0,
    "kiitos": 1.8, "kiitti": 1.8, "ilo": 2.0, "yäk": -2.5, "hyi": -2.2, "ei": 0.0, "plus": 0.0,
    "hyvä": 1.9, "apua": 0.0, "plussaa": 1.6, "miinus": -1.2, "miinusta": -1.2, "luksusta": 2.0,
    "täydellinen": 2.8, "nappiin": 2.0, "ok": 0.4, "okei": 0.4, "ihan": 0.0,
}
"""Whole words, checked before prefixes (short words and words a prefix would mis-read)."""

EMOJI: dict[str, float] = {
    "😍": 3.0, "❤": 3.0, "💕": 2.5, "💖": 2.5, "💗": 2.5, "💛": 2.5, "💚": 2.5, "💙": 2.5,
    "💜": 2.5, "🧡": 2.5, "🥰": 3.0, "😊": 2.5, "🙂": 1.5, "😀": 2.5, "😃": 2.5, "😄": 2.5,
    "😁": 2.5, "😂": 1.5, "🤣": 1.5, "👍": 2.0, "👌": 2.0, "🎉": 2.5, "🥳": 2.5, "😋": 2.5,
    "🤩": 3.0, "🙏": 1.5, "✨": 1.2, "🔥": 1.5, "👏": 2.0, "😢": -2.2, "😭": -2.0, "😞": -2.2,
    "😠": -3.0, "😡": -3.2, "🤬": -3.5, "👎": -2.2, "😤": -2.5, "🙄": -1.8, "😒": -2.0, "😕": -1.2,
    "🤮": -3.0, "🤢": -2.6, "💩": -2.0, "😩": -2.2, "😫": -2.2, "😣": -2.0, "😖": -2.2, "💔": -2.6,
    ":(": -2.0, ":-(": -2.0, ":)": 2.0, ":-)": 2.0, ":d": 2.5, "<3": 3.0, ";)": 1.5,
}

# fmt: on

NEGATORS = words("ei en et emme ette eivät älä älkää eikä enkä etkä eivätkä ilman tuskin")
BOOSTERS = words(
    "todella tosi erittäin äärimmäisen super aivan niin kovin täysin mega erityisen "
    "supert ihan yli sika järkyttävän"
)
DAMPENERS = words("melko aika vähän hieman hiukan jokseenkin ehkä kohtalaisen suht")
ADVERB_BOOSTERS = words(
    "kamalan kauhean hirveän hirveästi uskomattoman mielettömän älyttömän järjettömän "
    "hyvin tosi sairaan ihan"
)
"""Words that are sentiment words alone but boosters before one (``kamalan hyvä``)."""

PHRASES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), valence)
    for pattern, valence in (
        (r"\bei (ole )?(vielä |edelleenkään |vieläkään )?(tullut|saapunut|kuulunut)\b", -2.0),
        (r"\b(kukaan )?ei (ole )?(vastattu|vastannut|vastaa|vastaile)\b", -2.0),
        (r"\bei (vieläkään |edelleenkään )?(toimi|toiminut|toimineet|toimivat)\b", -1.4),
        (r"\brahat takaisin\b", -1.8),
        (r"\bei kuulu mitään\b", -2.0),
        (r"\bviimeinen kerta\b", -2.0),
        (r"\bodotan innolla\b", 1.0),
        (r"\bodott?anut (jo )?(viikon|viikkoja|kuukauden|tunnin|tunteja|päiviä)\b", -1.8),
        (r"\bveloitettiin kahteen kertaan\b", -2.0),
        (r"\bmeni (yli )?(viikko|viikkoja|kuukausi|kaksi viikkoa|tunti|tunteja)\b", -1.6),
    )
)

B_INCR = 0.293
B_DECR = -0.293
N_SCALAR = -0.74
CAPS_INCR = 0.733
EXCLAIM_INCR = 0.292
_TOKEN = re.compile(r"[\w'-]+|<3|[:;]-?[()dD]|[^\s\w]", re.UNICODE)


def lookup(word: str) -> float:
    """The word's valence: an exact entry, else its longest listed prefix, else 0."""
    if word in EXACT:
        return EXACT[word]
    if word in EMOJI:
        return EMOJI[word]
    for end in range(len(word), 2, -1):
        valence = PREFIXES.get(word[:end])
        if valence is not None:
            return valence if len(word) - end <= MAX_ENDING else 0.0
    return 0.0


def tokens(text: str) -> list[str]:
    """Words, emoticons and emoji (variation selectors dropped: ❤️ is ❤)."""
    return _TOKEN.findall(text.replace("\ufe0f", ""))


def _modifier(word: str, valence: float) -> float:
    """How much a preceding word adds to ``valence`` (VADER's booster rule)."""
    step = B_INCR if word in BOOSTERS or word in ADVERB_BOOSTERS else 0.0
    step = B_DECR if word in DAMPENERS else step
    return step if valence > 0 else -step


def _valence_at(words: list[str], raw: list[str], i: int, shouting: bool) -> float:
    valence = lookup(words[i])
    if valence == 0.0 or (
        words[i] in ADVERB_BOOSTERS and i + 1 < len(words) and lookup(words[i + 1]) != 0.0
    ):
        return 0.0
    if shouting and raw[i].isupper() and len(raw[i]) > 1:
        valence += CAPS_INCR if valence > 0 else -CAPS_INCR
    for distance, j in enumerate(range(i - 1, max(-1, i - 4), -1)):
        valence += _modifier(words[j], valence) * (1.0, 0.95, 0.9)[distance]
        if words[j] in NEGATORS:
            valence *= N_SCALAR
    return valence


def raw_score(text: str) -> float:
    """The sum of the text's valences after VADER's rules (before normalisation)."""
    raw = tokens(text)
    words = [w.lower() for w in raw]
    letters = [w for w in raw if w.isalpha()]
    shouting = any(w.isupper() for w in letters) and not all(w.isupper() for w in letters)
    values = [_valence_at(words, raw, i, shouting) for i in range(len(words))]
    if "mutta" in words:
        pivot = words.index("mutta")
        values = [v * (0.5 if i < pivot else 1.5) for i, v in enumerate(values)]
    total = sum(values)
    lowered = " ".join(words)
    total += sum(v for pattern, v in PHRASES if pattern.search(lowered))
    if total:  # VADER: each "!" (up to four) pushes the sum further the way it leans
        total += math.copysign(min(text.count("!"), 4) * EXCLAIM_INCR, total)
    return total
