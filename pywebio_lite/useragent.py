"""User-Agent parsing for ``session.info.user_agent``.

``parse(ua_string) -> UserAgent`` gives the same attributes PyWebIO apps read from the
``user_agents`` package: ``browser``/``os`` (family, version tuple, version_string), ``device``
(family, brand, model) and the ``is_mobile``/``is_tablet``/``is_pc``/``is_touch_capable``/``is_bot``
flags.  The rules are our own and deliberately small: the string is split into product tokens
(``Name/1.2``) and parenthesised comments (``(Linux; Android 14; Pixel 7)``), and a few ordered
checks look at those.  ``parse`` never raises on a str (or bytes, or None).

What cannot be known from the header, and what we chose:

* iPadOS 13+ Safari asks for desktop sites by default and then sends the *Macintosh* UA; such an
  iPad is reported as a Mac (``is_pc`` True).  Only client-side JavaScript (touch points) can tell.
* Windows 11 sends "Windows NT 10.0" and is reported as Windows 10; macOS 11+ browsers freeze the
  version at 10.15.7; Chrome's reduced UA sends "Android 10; K" with no real model (we report a
  "Generic Smartphone"/"Generic Tablet").
* The flags follow the ``user_agents`` package (PyWebIO documents its classification), checked
  against that package's own test cases: ``is_bot`` is True for crawlers (Googlebot, bingbot,
  Scrapy, Python-urllib, ...), whose device family is "Spider"; a headless browser is the
  computer it runs on (HeadlessChrome on Linux: ``is_pc`` True, ``is_bot`` False); HTTP tools
  (curl, Wget, python-requests, ...) name the browser family and set no flag.  Windows RT (Windows
  on ARM) is both a tablet and a PC, as there.
* Versions keep at most 3 numeric parts for browsers (major.minor.patch) and 4 for systems.
"""
from __future__ import annotations

from typing import NamedTuple, Optional, Union

__all__ = ["Family", "Device", "UserAgent", "parse"]

#: Only this many characters of a header are examined (real UAs are far shorter).
MAX_UA_LENGTH = 2048
#: A version part longer than this is not a version (and int() of it could be expensive).
_MAX_VERSION_DIGITS = 9


class Family(NamedTuple):
    """A browser or operating system: ``family``, ``version`` (ints) and ``version_string``."""
    family: str = "Other"
    version: tuple = ()
    version_string: str = ""


class Device(NamedTuple):
    """A device: ``family`` (e.g. "iPhone", "Samsung SM-G991B"), ``brand`` and ``model``."""
    family: str = "Other"
    brand: Optional[str] = None
    model: Optional[str] = None


# ---------------------------------------------------------------------------------------------
# Tokenising

class _Tokens:
    """The pieces of a UA string: products in order, comment segments, and lookups on them."""

    def __init__(self, ua: str):
        self.products: list = []     # (name, version) in order of appearance
        self.comments: list = []     # each a list of ';'-separated, stripped segments
        self.first_version: dict = {}  # lower-cased product name -> its first version
        i, n = 0, len(ua)
        while i < n:
            ch = ua[i]
            if ch.isspace():
                i += 1
            elif ch == "(":
                depth, j = 1, i + 1
                while j < n and depth:
                    if ua[j] == "(":
                        depth += 1
                    elif ua[j] == ")":
                        depth -= 1
                    j += 1
                inner = ua[i + 1:j - 1] if depth == 0 else ua[i + 1:j]
                self.comments.append([s.strip() for s in inner.split(";") if s.strip()])
                i = j
            else:
                j = i
                while j < n and not ua[j].isspace() and ua[j] != "(":
                    j += 1
                name, _, version = ua[i:j].partition("/")
                self.products.append((name, version))
                self.first_version.setdefault(name.lower(), version)
                i = j
        self.segments = [seg for comment in self.comments for seg in comment]
        # Product tokens written inside comments ("compatible; Googlebot/2.1; +http://...").
        for seg in self.segments:
            for word in seg.split():
                name, slash, version = word.partition("/")
                if slash and name:
                    self.first_version.setdefault(name.lower(), version)
        self.lower = ua.lower()

    def has(self, name: str) -> bool:
        """True if a product (or a ``Name/ver`` word inside a comment) has this name."""
        return name.lower() in self.first_version

    def version_of(self, name: str) -> str:
        return self.first_version.get(name.lower(), "")

    def segment_starting(self, prefix: str) -> Optional[str]:
        """The first comment segment starting with ``prefix`` (case-insensitive)."""
        low = prefix.lower()
        for seg in self.segments:
            if seg.lower().startswith(low):
                return seg
        return None


def _version(text: str, limit: int) -> tuple:
    """Leading numeric parts of ``text`` ("120.0.6099.109" -> (120, 0, 6099)); separators are
    "." or "_" ("17_1_2"), and parsing stops at the first part that is not all digits."""
    parts = []
    for piece in text.replace("_", ".").split("."):
        digits = 0
        while digits < len(piece) and piece[digits].isdigit() and piece[digits].isascii():
            digits += 1
        if digits == 0 or digits > _MAX_VERSION_DIGITS:
            break
        parts.append(int(piece[:digits]))
        if len(parts) == limit or digits < len(piece):
            break
    return tuple(parts)


def _family(name: str, version_text: str = "", limit: int = 3,
            version_string: Optional[str] = None) -> Family:
    version = _version(version_text, limit)
    if version_string is None:
        version_string = ".".join(str(p) for p in version)
    return Family(name, version, version_string)


def _after(segment: str, marker: str) -> str:
    """The word after ``marker`` in ``segment`` ("CPU iPhone OS 17_1 like" , "OS " -> "17_1")."""
    index = segment.lower().find(marker.lower())
    if index < 0:
        return ""
    rest = segment[index + len(marker):].strip()
    return rest.split(" ", 1)[0] if rest else ""


# ---------------------------------------------------------------------------------------------
# Bots and tools

# Words that mark a crawler when found in a product name (case-insensitive).
_BOT_WORDS = ("bot", "crawl", "spider", "slurp", "fetcher", "scraper", "externalhit")

# HTTP clients that are not browsers; reported as the browser family with their own spelling.
# Those in _CRAWLING_TOOLS count as bots (as in user_agents), the others set no flag.
_TOOLS = {
    "curl": "curl", "wget": "Wget", "python-requests": "Python Requests",
    "python-urllib": "Python-urllib", "python-httpx": "httpx", "aiohttp": "aiohttp",
    "go-http-client": "Go-http-client", "okhttp": "okhttp", "axios": "axios",
    "node-fetch": "node-fetch", "java": "Java", "apache-httpclient": "Apache-HttpClient",
    "libwww-perl": "libwww-perl", "postmanruntime": "PostmanRuntime", "httpie": "HTTPie",
    "scrapy": "Scrapy", "powershell": "PowerShell", "insomnia": "Insomnia",
}
_CRAWLING_TOOLS = frozenset({"Python-urllib", "Java", "Scrapy"})


def _bot_name(tokens: _Tokens) -> Optional[tuple]:
    """(family, version) if the UA is a crawler or an HTTP tool, else None."""
    if tokens.products:
        first = tokens.products[0][0].lower()
        if first in _TOOLS:
            return _TOOLS[first], tokens.products[0][1]
    for name, version in tokens.products:
        low = name.lower()
        if any(word in low for word in _BOT_WORDS):
            return name, version
    for seg in tokens.segments:
        for word in seg.split():
            name, slash, version = word.partition("/")
            low = name.lower()
            if slash and name and not low.startswith(("+http", "http")) and \
                    any(w in low for w in _BOT_WORDS):
                return name, version
    # "(compatible; Yahoo! Slurp; http://help.yahoo.com/...)": a crawler names itself and gives a
    # contact address.  Browsers (old IE: "compatible; MSIE 8.0; ...") never carry a URL.
    for comment in tokens.comments:
        lows = [seg.lower() for seg in comment]
        if "compatible" in lows and any(
                low.startswith(("+http", "http:", "https:")) or "@" in low for low in lows):
            for seg, low in zip(comment, lows):
                if low != "compatible" and not low.startswith(("+http", "http:", "https:")):
                    return seg.split("/", 1)[0], seg.partition("/")[2]
            return "Other", ""
    return None


# ---------------------------------------------------------------------------------------------
# Operating system

_WINDOWS_NT = {
    "10.0": ((10,), "10"), "6.3": ((8, 1), "8.1"), "6.2": ((8,), "8"), "6.1": ((7,), "7"),
    "6.0": ((6, 0), "Vista"), "5.2": ((5, 2), "XP"), "5.1": ((5, 1), "XP"),
    "5.0": ((5, 0), "2000"),
}


def _parse_os(t: _Tokens) -> Family:
    ios = None
    for seg in t.segments:
        low = seg.lower()
        if "like mac os x" in low and (" os " in f" {low} "):
            ios = seg
            break
    if ios is not None:
        return _family("iOS", _after(ios, " OS "), 4)
    if t.has("CriOS") or t.has("FxiOS") or t.has("EdgiOS") or t.has("OPiOS"):
        return Family("iOS")

    if any("Silk/" in seg for seg in t.segments):
        return Family("Android")  # old Kindle Fire: a Macintosh UA with Silk in the comment
    seg = t.segment_starting("RIM Tablet OS")
    if seg is not None:
        return _family("BlackBerry Tablet OS", _after(seg, "RIM Tablet OS"), 4)
    if t.segment_starting("BlackBerry") is not None or t.lower.startswith("blackberry"):
        return Family("BlackBerry OS")
    seg = t.segment_starting("SymbianOS")
    if seg is not None:
        return _family("Symbian OS", seg.partition("/")[2], 4)

    seg = t.segment_starting("Windows Phone")
    if seg is not None:
        return _family("Windows Phone", _after(seg, "Windows Phone"), 4)

    seg = t.segment_starting("Android")
    if seg is not None:
        return _family("Android", _after(seg, "Android"), 4)
    if "android" in t.lower:
        return Family("Android")

    seg = t.segment_starting("Windows NT")
    if seg is not None:
        nt = _after(seg, "Windows NT")
        if nt in _WINDOWS_NT:
            version, name = _WINDOWS_NT[nt]
            return Family("Windows", version, name)
        return _family("Windows", nt, 4)
    if t.segment_starting("Windows") is not None or t.segment_starting("Win64") is not None:
        return Family("Windows")

    seg = t.segment_starting("CrOS")
    if seg is not None:
        words = seg.split()
        return _family("Chrome OS", words[2] if len(words) > 2 else "", 4)

    for seg in t.segments:
        low = seg.lower()
        if "mac os x" in low:
            return _family("Mac OS X", _after(seg, "Mac OS X"), 4)
    if t.segment_starting("Macintosh") is not None:
        return Family("Mac OS X")

    if t.has("Ubuntu") or any(s.lower().startswith("ubuntu") for s in t.segments):
        return _family("Ubuntu", t.version_of("Ubuntu"), 4)
    if t.has("Fedora") or any("fedora" in s.lower() for s in t.segments):
        return _family("Fedora", t.version_of("Fedora"), 4)
    if any(s.lower() == "cros" for s in t.segments):
        return Family("Chrome OS")
    for seg in t.segments:
        low = seg.lower()
        if low.startswith(("linux", "x11")) or low.endswith("linux"):
            return Family("Linux")
        if low.startswith("freebsd"):
            return Family("FreeBSD")
    if "linux" in t.lower:
        return Family("Linux")
    return Family()


# ---------------------------------------------------------------------------------------------
# Device

# (model prefix, brand, whether the family is "<brand> <model>" rather than the model itself)
_ANDROID_BRANDS = (
    ("SM-", "Samsung", True), ("GT-", "Samsung", True), ("SCH-", "Samsung", True),
    ("SGH-", "Samsung", True), ("Galaxy", "Samsung", True),
    ("Pixel", "Google", False), ("Nexus", "Google", False),
    ("Redmi", "Xiaomi", False), ("POCO", "Xiaomi", False), ("Mi ", "Xiaomi", True),
    ("MI ", "Xiaomi", True), ("M2", "Xiaomi", True),
    ("ONEPLUS", "OnePlus", True), ("OnePlus", "OnePlus", True),
    ("moto", "Motorola", False), ("Moto", "Motorola", False), ("XT", "Motorola", True),
    ("LG-", "LG", False), ("LM-", "LG", True), ("HUAWEI", "Huawei", True),
    ("CPH", "OPPO", True), ("OPPO", "OPPO", True), ("vivo", "vivo", True),
    ("Lenovo", "Lenovo", True), ("Nokia", "Nokia", False), ("KF", "Amazon", True),
    ("SAMSUNG", "Samsung", True), ("Xiaomi", "Xiaomi", True), ("HTC", "HTC", True),
    ("Sony", "Sony", True), ("Infinix", "Infinix", True), ("TECNO", "TECNO", True),
    ("realme", "realme", True), ("RMX", "realme", True),
)

_SKIP_SEGMENTS = ("u", "i", "n", "wv", "mobile", "tablet", "linux", "x11", "rv:", "arm")


def _looks_like_language(seg: str) -> bool:
    head, _, tail = seg.replace("_", "-").partition("-")
    return (len(head) == 2 and head.isalpha() and head.isascii()
            and (not tail or (len(tail) == 2 and tail.isalpha() and tail.isascii())))


def _android_model(t: _Tokens) -> Optional[str]:
    """The model named in the Android comment, or None (absent or Chrome's reduced "K")."""
    for comment in t.comments:
        if not any(s.lower().startswith("android") for s in comment):
            continue
        for seg in comment:
            if " Build/" in seg or seg.startswith("Build/"):
                model = seg.split("Build/", 1)[0].strip()
                return model or None
        seen_android = False
        for seg in comment:
            low = seg.lower()
            if low.startswith("android"):
                seen_android = True
                continue
            if not seen_android or low in _SKIP_SEGMENTS or low.startswith("rv:") \
                    or _looks_like_language(seg):
                continue
            if seg == "K":
                return None
            return seg
        return None
    return None


def _android_device(model: Optional[str], tablet: bool) -> Device:
    if not model:
        return Device("Generic Tablet" if tablet else "Generic Smartphone", "Generic",
                      "Tablet" if tablet else "Smartphone")
    for prefix, brand, prepend in _ANDROID_BRANDS:
        if model.startswith(prefix):
            bare = model
            # "SAMSUNG SM-S918B", "ONEPLUS A6003": drop the brand word, it is added back below.
            cut = len(brand)
            if model.lower().startswith(brand.lower()) and model[cut:cut + 1] in (" ", "_"):
                bare = model[cut + 1:].strip() or model
            if prepend:
                return Device(f"{brand} {bare}", brand, bare)
            return Device(bare, brand, bare)
    return Device(model, None, model)


# ---------------------------------------------------------------------------------------------
# Browser

def _parse_browser(t: _Tokens, os_family: str, phone_hint: bool) -> Family:
    android = os_family == "Android"
    ios = os_family == "iOS"

    if t.has("Edg"):
        return _family("Edge", t.version_of("Edg"))
    if t.has("EdgA"):
        return _family("Edge Mobile", t.version_of("EdgA"))
    if t.has("EdgiOS"):
        return _family("Edge Mobile", t.version_of("EdgiOS"))
    if t.has("Edge"):
        return _family("Edge", t.version_of("Edge"))
    if t.has("OPiOS"):
        return _family("Opera Mini", t.version_of("OPiOS"))
    if "opera mini/" in t.lower:
        index = t.lower.index("opera mini/") + len("opera mini/")
        return _family("Opera Mini", t.lower[index:index + 20].split(" ", 1)[0])
    if t.has("OPR"):
        name = "Opera Mobile" if android and phone_hint else "Opera"
        return _family(name, t.version_of("OPR"))
    if t.products and t.products[0][0] == "Opera":
        version = t.version_of("Version") or t.products[0][1]
        return _family("Opera", version)
    if t.has("SamsungBrowser"):
        return _family("Samsung Internet", t.version_of("SamsungBrowser"))
    for token, name in (("YaBrowser", "Yandex Browser"), ("Vivaldi", "Vivaldi"),
                        ("UCBrowser", "UC Browser"), ("Whale", "Whale"),
                        ("MiuiBrowser", "MiuiBrowser"), ("Silk", "Amazon Silk"),
                        ("DuckDuckGo", "DuckDuckGo Mobile"), ("Brave", "Brave")):
        if t.has(token):
            return _family(name, t.version_of(token))
    if t.has("FxiOS"):
        return _family("Firefox iOS", t.version_of("FxiOS"))
    if t.has("Firefox"):
        mobile = android or any(s in ("Mobile", "Tablet") for s in t.segments)
        return _family("Firefox Mobile" if mobile else "Firefox", t.version_of("Firefox"))
    if t.has("CriOS"):
        return _family("Chrome Mobile iOS", t.version_of("CriOS"))
    if t.has("HeadlessChrome"):
        return _family("HeadlessChrome", t.version_of("HeadlessChrome"))
    if t.has("Chrome") or t.has("Chromium"):
        version = t.version_of("Chrome") or t.version_of("Chromium")
        if android:
            # Android WebView: "; wv)" since Lollipop, "Version/4.0 ... Chrome/" before it.
            if "wv" in t.segments or t.version_of("Version").startswith("4.0"):
                return _family("Chrome Mobile WebView", version)
            return _family("Chrome Mobile" if phone_hint else "Chrome", version)
        return _family("Chromium" if t.has("Chromium") else "Chrome", version)
    if t.has("IEMobile"):
        return _family("IE Mobile", t.version_of("IEMobile"))
    msie = t.segment_starting("MSIE ")
    if msie is not None:
        return _family("IE", _after(msie, "MSIE"))
    if t.segment_starting("Trident/") is not None:
        rv = t.segment_starting("rv:")
        return _family("IE", rv[3:] if rv else "")
    if t.has("Safari") or t.has("AppleWebKit"):
        if ios:
            if t.has("Safari") and t.has("Version"):
                return _family("Mobile Safari", t.version_of("Version"))
            return Family("Mobile Safari UI/WKWebView")
        if android and t.has("Version"):
            return _family("Android", t.version_of("Version"))
        if t.has("Version") and t.has("Safari"):
            return _family("Safari", t.version_of("Version"))
    return Family()


# ---------------------------------------------------------------------------------------------
# The result

class UserAgent:
    """A parsed User-Agent header (attribute names follow the ``user_agents`` package)."""

    __slots__ = ("ua_string", "browser", "os", "device", "is_mobile", "is_tablet", "is_pc",
                 "is_touch_capable", "is_bot")

    def __init__(self, ua_string: str = ""):
        self.ua_string = ua_string
        self.browser = Family()
        self.os = Family()
        self.device = Device()
        self.is_mobile = False
        self.is_tablet = False
        self.is_pc = False
        self.is_touch_capable = False
        self.is_bot = False

    def get_device(self) -> str:
        """The device family, or "PC" for a computer whose make is unknown."""
        if self.is_pc and self.device.family == "Other":
            return "PC"
        return self.device.family

    def get_os(self) -> str:
        return f"{self.os.family} {self.os.version_string}".strip()

    def get_browser(self) -> str:
        return f"{self.browser.family} {self.browser.version_string}".strip()

    def __str__(self) -> str:
        return f"{self.get_device()} / {self.get_os()} / {self.get_browser()}"

    def __repr__(self) -> str:
        return f"<UserAgent {str(self)!r}>"


def parse(ua_string: Union[str, bytes, None]) -> UserAgent:
    """Parse a User-Agent header value.  Never raises for str, bytes (read as latin-1) or None
    (treated as ""); any other type raises ``TypeError`` naming ``ua_string``."""
    if ua_string is None:
        ua_string = ""
    elif isinstance(ua_string, (bytes, bytearray)):
        ua_string = bytes(ua_string).decode("latin-1")
    elif not isinstance(ua_string, str):
        raise TypeError(f"ua_string must be a str, not {type(ua_string).__name__}")
    ua = UserAgent(ua_string)
    try:
        _fill(ua, ua_string[:MAX_UA_LENGTH])
    except Exception:  # pragma: no cover - a rule bug must not break a session
        fresh = UserAgent(ua_string)
        for name in UserAgent.__slots__:
            setattr(ua, name, getattr(fresh, name))
    return ua


def _fill(ua: UserAgent, text: str) -> None:
    t = _Tokens(text)
    ua.os = os_ = _parse_os(t)
    segments = t.segments
    has_mobile_product = any(name == "Mobile" for name, _ in t.products)

    bot = _bot_name(t)
    if bot is not None:
        ua.browser = _family(bot[0], bot[1])
        if bot[0] in _TOOLS.values() and bot[0] not in _CRAWLING_TOOLS:
            return  # an HTTP tool: no device, no flag
        ua.device = Device("Spider", "Spider", "Desktop")
        ua.is_bot = True
        return

    # Phone or tablet?
    phone = tablet = False
    device = Device()
    if any(s.startswith("iPad") for s in segments):
        tablet = True
        device = Device("iPad", "Apple", "iPad")
    elif any(s.startswith("iPod") for s in segments):
        phone = True
        device = Device("iPod", "Apple", "iPod touch")
    elif any(s.startswith("iPhone") for s in segments):
        phone = True
        device = Device("iPhone", "Apple", "iPhone")
    elif os_.family == "Android":
        model = _android_model(t)
        if "Tablet" in segments or t.has("Silk") or (model or "").startswith("KF"):
            tablet = True  # every Kindle Fire is a tablet, even when its Silk says "Mobile"
        elif has_mobile_product or "Mobile" in segments:
            phone = True
        else:
            tablet = True  # Android without "Mobile" is a tablet (Google's own convention)
        if model and model.startswith("KF"):
            device = Device("Kindle", "Amazon", model)
        else:
            device = _android_device(model, tablet)
    elif os_.family == "Windows Phone":
        phone = True
    elif os_.family == "Windows" and "ARM" in segments:
        tablet = True  # Windows RT
    elif os_.family == "BlackBerry Tablet OS":
        tablet = True
        device = Device("BlackBerry Playbook", "BlackBerry", "Playbook")
    elif any("Silk/" in seg for seg in segments):
        tablet = True
        device = Device("Kindle", "Amazon", "Kindle")
    elif os_.family in ("BlackBerry OS", "Symbian OS") or "opera mini/" in t.lower \
            or "kaios" in t.lower or "j2me" in t.lower:
        phone = True
    elif os_.family == "Mac OS X" and t.segment_starting("Macintosh") is not None:
        device = Device("Mac", "Apple", "Mac")

    ua.device = device
    ua.browser = _parse_browser(t, os_.family, phone)
    ua.is_mobile = phone
    ua.is_tablet = tablet
    pc_os = os_.family in ("Windows", "Mac OS X", "Linux", "Ubuntu", "Fedora", "Chrome OS", "FreeBSD")
    # Windows RT is a tablet that is also a PC (as in user_agents).
    ua.is_pc = pc_os and (not (phone or tablet) or os_.family == "Windows")
    # Touch: the touch systems, and Windows when it says so. BlackBerry OS, Symbian and J2ME
    # phones are keypad phones to user_agents.
    ua.is_touch_capable = tablet or "Touch" in segments or os_.family in (
        "iOS", "Android", "Windows Phone", "KaiOS") or (os_.family == "Windows" and "ARM" in segments)
