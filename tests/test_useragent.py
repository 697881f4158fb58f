"""Tests for pywebio_lite.useragent: User-Agent parsing behind session.info.user_agent."""
import random

import pytest

from pywebio_lite import useragent
from pywebio_lite.useragent import Device, Family, UserAgent, parse

# Real-world User-Agent headers, one per line of the table below:
#   (ua, browser family, browser version, os family, os version, device family, kind)
# kind is the single flag that is True among is_pc / is_mobile / is_tablet / is_bot ("none": all
# four are False).
CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0.0.0 Safari/537.36")
SAFARI_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.1 Safari/605.1.15")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")
CHROME_ANDROID_SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 13; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36")

CASES = [
    # --- desktop, Windows
    (CHROME_WIN, "Chrome", (120, 0, 0), "Windows", (10,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
     "Firefox", (121, 0), "Windows", (10,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
     "Edge", (120, 0, 2210), "Windows", (10,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/70.0.3538.102 Safari/537.36 Edge/18.18363",
     "Edge", (18, 18363), "Windows", (10,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
     "Opera", (106, 0, 0), "Windows", (10,), "Other", "pc"),
    ("Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
     "Opera", (12, 18), "Windows", (7,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
     "IE", (11, 0), "Windows", (7,), "Other", "pc"),
    ("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; .NET CLR 2.0.50727)",
     "IE", (8, 0), "Windows", (7,), "Other", "pc"),
    ("Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/109.0.0.0 Safari/537.36 Vivaldi/5.6.2867.62",
     "Vivaldi", (5, 6, 2867), "Windows", (8, 1), "Other", "pc"),
    # --- desktop, macOS
    (SAFARI_MAC, "Safari", (17, 1), "Mac OS X", (10, 15, 7), "Mac", "pc"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     "Chrome", (120, 0, 0), "Mac OS X", (10, 15, 7), "Mac", "pc"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
     "Firefox", (121, 0), "Mac OS X", (10, 15), "Mac", "pc"),
    # --- desktop, Linux and Chrome OS
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     "Chrome", (120, 0, 0), "Linux", (), "Other", "pc"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
     "Firefox", (121, 0), "Ubuntu", (), "Other", "pc"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
     "Firefox", (115, 0), "Linux", (), "Other", "pc"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chromium/118.0.0.0 Chrome/118.0.0.0 Safari/537.36",
     "Chromium", (118, 0, 0), "Linux", (), "Other", "pc"),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     "Chrome", (120, 0, 0), "Chrome OS", (14541, 0, 0), "Other", "pc"),
    # --- iPhone, iPad
    (SAFARI_IPHONE, "Mobile Safari", (17, 1), "iOS", (17, 1), "iPhone", "mobile"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
     "Chrome Mobile iOS", (120, 0, 6099), "iOS", (17, 1, 2), "iPhone", "mobile"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
     "Firefox iOS", (121, 0), "iOS", (17, 1), "iPhone", "mobile"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.0 EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15",
     "Edge Mobile", (120, 2210, 126), "iOS", (17, 1), "iPhone", "mobile"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148",
     "Mobile Safari UI/WKWebView", (), "iOS", (16, 6), "iPhone", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/16.6 Mobile/15E148 Safari/604.1",
     "Mobile Safari", (16, 6), "iOS", (16, 6), "iPad", "tablet"),
    ("Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
     "Mobile Safari", (12, 1, 2), "iOS", (12, 5, 7), "iPod", "mobile"),
    # --- Android phones
    (CHROME_ANDROID_SAMSUNG,
     "Chrome Mobile", (120, 0, 6099), "Android", (13,), "Samsung SM-G991B", "mobile"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.6099.144 Mobile Safari/537.36",
     "Chrome Mobile", (120, 0, 6099), "Android", (14,), "Pixel 7", "mobile"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", (120, 0, 0), "Android", (10,), "Generic Smartphone", "mobile"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.231205.015; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36",
     "Chrome Mobile WebView", (120, 0, 6099), "Android", (14,), "Pixel 7", "mobile"),
    ("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     "Samsung Internet", (23, 0), "Android", (13,), "Samsung SM-S918B", "mobile"),
    ("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", (121, 0), "Android", (14,), "Generic Smartphone", "mobile"),
    ("Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36 OPR/79.1.4195.76566",
     "Opera Mobile", (79, 1, 4195), "Android", (10,), "VOG-L29", "mobile"),
    ("Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.2210.115",
     "Edge Mobile", (120, 0, 2210), "Android", (13,), "Samsung SM-A536B", "mobile"),
    ("Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 "
     "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
     "Android", (4, 0), "Android", (4, 0, 3), "LG-L160L", "mobile"),
    ("Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", (120, 0, 0), "Android", (11,), "CUBOT X30", "mobile"),
    ("Mozilla/5.0 (Linux; Android 12; 2201117TG) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", (120, 0, 0), "Android", (12,), "2201117TG", "mobile"),
    # --- Android tablets: Android without "Mobile"
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.6099.144 Safari/537.36",
     "Chrome", (120, 0, 6099), "Android", (13,), "Samsung SM-X700", "tablet"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
     "Samsung Internet", (23, 0), "Android", (13,), "Samsung SM-X700", "tablet"),
    ("Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", (121, 0), "Android", (14,), "Generic Tablet", "tablet"),
    ("Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Silk/119.3.1 like Chrome/119.0.6045.193 Safari/537.36",
     "Amazon Silk", (119, 3, 1), "Android", (9,), "Kindle", "tablet"),
    # --- Windows Phone
    ("Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; "
     "IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 "
     "(KHTML, like Gecko) Mobile Safari/537",
     "IE Mobile", (11, 0), "Windows Phone", (8, 1), "Other", "mobile"),
    # --- automation, crawlers and tools
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/120.0.6099.28 Safari/537.36",
     "HeadlessChrome", (120, 0, 6099), "Windows", (10,), "Other", "pc"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/120.0.6099.28 Safari/537.36",
     "HeadlessChrome", (120, 0, 6099), "Linux", (), "Other", "pc"),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     "Googlebot", (2, 1), "Other", (), "Spider", "bot"),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 "
     "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     "Googlebot", (2, 1), "Android", (6, 0, 1), "Spider", "bot"),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     "bingbot", (2, 0), "Other", (), "Spider", "bot"),
    ("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
     "Yahoo! Slurp", (), "Other", (), "Spider", "bot"),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
     "facebookexternalhit", (1, 1), "Other", (), "Spider", "bot"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; "
     "+https://openai.com/gptbot)",
     "GPTBot", (1, 0), "Other", (), "Spider", "bot"),
    ("curl/8.4.0", "curl", (8, 4, 0), "Other", (), "Other", "none"),
    ("Wget/1.21.3", "Wget", (1, 21, 3), "Other", (), "Other", "none"),
    ("python-requests/2.31.0", "Python Requests", (2, 31, 0), "Other", (), "Other", "none"),
    ("Python-urllib/3.11", "Python-urllib", (3, 11), "Other", (), "Spider", "bot"),
    # --- nothing useful
    ("", "Other", (), "Other", (), "Other", "none"),
    ("   ", "Other", (), "Other", (), "Other", "none"),
    ("Mozilla/5.0", "Other", (), "Other", (), "Other", "none"),
    (")))(((;;;/ / //", "Other", (), "Other", (), "Other", "none"),
    ("\x00\xff\u2603 (;) /", "Other", (), "Other", (), "Other", "none"),
]


def _ids():
    return [f"{i:02d}-{c[1]}-{c[3]}-{c[6]}".replace(" ", "_") for i, c in enumerate(CASES)]


class TestRealWorld:
    @pytest.mark.parametrize("ua,browser,bver,os,osver,device,kind", CASES, ids=_ids())
    def test_case(self, ua, browser, bver, os, osver, device, kind):
        got = parse(ua)
        assert got.ua_string == ua
        assert (got.browser.family, got.browser.version) == (browser, bver)
        assert (got.os.family, got.os.version) == (os, osver)
        assert got.device.family == device
        flags = {"pc": got.is_pc, "mobile": got.is_mobile, "tablet": got.is_tablet,
                 "bot": got.is_bot}
        expected = {name: name == kind for name in flags}
        assert flags == expected

    def test_enough_cases(self):
        assert len(CASES) >= 30


class TestVersions:
    def test_version_string_joins_parts(self):
        ua = parse(SAFARI_IPHONE)
        assert ua.browser.version_string == "17.1"
        assert ua.os.version_string == "17.1"

    def test_browser_keeps_three_parts(self):
        ua = parse(CHROME_ANDROID_SAMSUNG)
        assert ua.browser.version == (120, 0, 6099)
        assert ua.browser.version_string == "120.0.6099"

    def test_os_keeps_four_parts(self):
        ua = parse("Mozilla/5.0 (Linux; Android 4.4.2.1.9; X) Chrome/30.0 Mobile Safari/1")
        assert ua.os.version == (4, 4, 2, 1)

    @pytest.mark.parametrize("nt,version,name", [
        ("10.0", (10,), "10"), ("6.3", (8, 1), "8.1"), ("6.2", (8,), "8"), ("6.1", (7,), "7"),
        ("6.0", (6, 0), "Vista"), ("5.1", (5, 1), "XP"),
    ])
    def test_windows_nt_names(self, nt, version, name):
        ua = parse(f"Mozilla/5.0 (Windows NT {nt}; Win64; x64; rv:115.0) Gecko/20100101 "
                   f"Firefox/115.0")
        assert ua.os == Family("Windows", version, name)

    def test_windows_11_reports_as_10(self):
        # Windows 11 browsers still send "Windows NT 10.0": it cannot be told apart.
        assert parse(CHROME_WIN).os.version_string == "10"

    def test_version_stops_at_non_numeric_part(self):
        # A beta "121.0b2" keeps the leading digits of "0b2" and stops there.
        ua = parse("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0b2.7")
        assert ua.browser.version == (121, 0)
        ua = parse("Mozilla/5.0 (X11; Linux x86_64) Chrome/121.x.7 Safari/537.36")
        assert ua.browser.version == (121,)

    def test_missing_version(self):
        ua = parse("Mozilla/5.0 (Windows NT 10.0) Firefox/")
        assert ua.browser == Family("Firefox", (), "")

    def test_huge_version_number_is_not_parsed(self):
        ua = parse("Mozilla/5.0 (X11; Linux x86_64) Chrome/" + "9" * 5000 + ".1 Safari/537.36")
        assert ua.browser.family == "Chrome"
        assert ua.browser.version == ()

    def test_non_ascii_digits_are_not_versions(self):
        ua = parse("Mozilla/5.0 (Windows NT 10.0) Firefox/١٢٣.0")
        assert ua.browser.version == ()


class TestDevices:
    def test_samsung_brand_and_model(self):
        assert parse(CHROME_ANDROID_SAMSUNG).device == Device("Samsung SM-G991B", "Samsung",
                                                              "SM-G991B")

    def test_samsung_prefix_word_dropped(self):
        ua = parse("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 "
                   "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36")
        assert ua.device == Device("Samsung SM-S918B", "Samsung", "SM-S918B")

    def test_pixel(self):
        ua = parse("Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/120.0 Mobile Safari/537.36")
        assert ua.device == Device("Pixel 7", "Google", "Pixel 7")

    def test_oneplus(self):
        ua = parse("Mozilla/5.0 (Linux; Android 11; ONEPLUS A6003) Chrome/120.0 Mobile Safari/1")
        assert ua.device == Device("OnePlus A6003", "OnePlus", "A6003")

    def test_model_from_build_segment(self):
        ua = parse("Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) "
                   "AppleWebKit/534.30 Version/4.0 Mobile Safari/534.30")
        assert ua.device == Device("LG-L160L", "LG", "LG-L160L")

    def test_reduced_ua_has_no_model(self):
        ua = parse("Mozilla/5.0 (Linux; Android 10; K) Chrome/120.0.0.0 Safari/537.36")
        assert ua.device == Device("Generic Tablet", "Generic", "Tablet")
        assert ua.is_tablet

    def test_iphone_ipad_apple(self):
        assert parse(SAFARI_IPHONE).device == Device("iPhone", "Apple", "iPhone")

    def test_ipad_desktop_mode_looks_like_a_mac(self):
        # iPadOS 13+ Safari requests desktop sites and sends exactly the macOS Safari UA; the
        # header alone cannot tell them apart, so such an iPad is reported as a Mac.
        ua = parse(SAFARI_MAC)
        assert ua.device == Device("Mac", "Apple", "Mac")
        assert ua.is_pc and not ua.is_tablet and not ua.is_touch_capable

    def test_windows_arm_touch_is_tablet_and_pc(self):
        # Windows RT: user_agents calls it a tablet and a PC.
        ua = parse("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; ARM; Trident/6.0; Touch)")
        assert ua.is_tablet and ua.is_touch_capable and ua.is_pc

    def test_windows_touch_laptop(self):
        ua = parse("Mozilla/5.0 (Windows NT 6.3; Win64; x64; Trident/7.0; Touch; rv:11.0) "
                   "like Gecko")
        assert ua.is_pc and ua.is_touch_capable

    def test_opera_mini_is_mobile(self):
        ua = parse("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; "
                   "en) Presto/2.5.25 Version/10.54")
        assert ua.browser.family == "Opera Mini"
        assert ua.is_mobile


class TestFlags:
    def test_touch_follows_mobile_and_tablet(self):
        for case in CASES:
            ua = parse(case[0])
            if ua.is_mobile or ua.is_tablet:
                assert ua.is_touch_capable, case[0]

    def test_flags_exclusive(self):
        for case in CASES:
            ua = parse(case[0])
            assert sum([ua.is_mobile, ua.is_tablet, ua.is_pc, ua.is_bot]) <= 1, case[0]

    def test_cubot_phone_is_not_a_bot(self):
        # "bot" inside a model name ("CUBOT") must not make a phone a crawler.
        assert not parse(next(c[0] for c in CASES if "CUBOT" in c[0])).is_bot


class TestStr:
    def test_iphone(self):
        assert str(parse(SAFARI_IPHONE)) == "iPhone / iOS 17.1 / Mobile Safari 17.1"

    def test_pc(self):
        assert str(parse(CHROME_WIN)) == "PC / Windows 10 / Chrome 120.0.0"

    def test_mac(self):
        assert str(parse(SAFARI_MAC)) == "Mac / Mac OS X 10.15.7 / Safari 17.1"

    def test_android(self):
        assert str(parse(CHROME_ANDROID_SAMSUNG)) == \
            "Samsung SM-G991B / Android 13 / Chrome Mobile 120.0.6099"

    def test_bot(self):
        assert str(parse("Python-urllib/3.11")) == "Spider / Other / Python-urllib 3.11"

    def test_tool(self):
        assert str(parse("curl/8.4.0")) == "Other / Other / curl 8.4.0"

    def test_empty(self):
        assert str(parse("")) == "Other / Other / Other"

    def test_getters_and_repr(self):
        ua = parse(SAFARI_IPHONE)
        assert ua.get_device() == "iPhone"
        assert ua.get_os() == "iOS 17.1"
        assert ua.get_browser() == "Mobile Safari 17.1"
        assert repr(ua) == "<UserAgent 'iPhone / iOS 17.1 / Mobile Safari 17.1'>"


class TestArguments:
    def test_none_is_empty(self):
        ua = parse(None)
        assert ua.ua_string == ""
        assert ua.browser.family == "Other"

    def test_bytes_read_as_latin1(self):
        ua = parse(CHROME_WIN.encode("ascii") + b" \xff")
        assert ua.browser.family == "Chrome"
        assert ua.ua_string.endswith("\xff")

    @pytest.mark.parametrize("bad", [1, 1.5, ["curl/1"], object()])
    def test_wrong_type(self, bad):
        with pytest.raises(TypeError, match="ua_string"):
            parse(bad)

    def test_result_types(self):
        ua = parse(CHROME_WIN)
        assert isinstance(ua, UserAgent)
        assert isinstance(ua.browser, Family) and isinstance(ua.os, Family)
        assert isinstance(ua.device, Device)
        assert all(isinstance(p, int) for p in ua.browser.version)

    def test_very_long_header(self):
        ua = parse(CHROME_WIN + " X" * 500_000)
        assert ua.browser.family == "Chrome"
        assert len(ua.ua_string) > useragent.MAX_UA_LENGTH


def _fill_directly(text):
    """Run the rules without parse()'s safety net, so a rule that raises fails the test."""
    ua = UserAgent(text)
    useragent._fill(ua, text)
    return ua


def _check(ua):
    assert isinstance(ua.browser, Family) and isinstance(ua.os, Family)
    assert isinstance(ua.device, Device)
    assert all(type(p) is int for p in ua.browser.version + ua.os.version)
    assert isinstance(str(ua), str)


class TestRobustness:
    """parse() must never raise on any string: feed it garbage and mangled real headers."""

    ALPHABET = "()/;:. _-+,0123456789aAbBcCdDmMsSxX\t\n\x00\xe9\u2603\U0001F600" \
               "MozillaWindowsNTAndroidiPhoneCPUOSlikeMacChromeSafariVersionMobileBuild/"

    def test_random_strings(self):
        rng = random.Random(20240607)
        for _ in range(3000):
            length = rng.randrange(0, 200)
            text = "".join(rng.choice(self.ALPHABET) for _ in range(length))
            _check(_fill_directly(text))
            _check(parse(text))

    def test_random_token_soup(self):
        words = ["Mozilla/5.0", "(", ")", ";", "Android", "Android 14", "iPhone", "iPad",
                 "CPU OS 17_1 like Mac OS X", "Windows NT", "Windows NT 10.0", "Macintosh",
                 "Mac OS X", "CrOS", "Linux", "X11", "Build/", "wv", "Mobile", "Tablet",
                 "Chrome/", "Chrome/1.2.3", "Safari/1", "Version/", "Firefox/9", "OPR/",
                 "Edg/", "EdgA/1", "SamsungBrowser/", "Silk/", "MSIE", "MSIE ", "Trident/7.0",
                 "rv:", "rv:11", "compatible", "+http://x", "Googlebot", "bot/", "curl/",
                 "Opera Mini/", "Opera", "KF", "SAMSUNG", "SAMSUNG ", "ONEPLUS", "K", " ", ""]
        rng = random.Random(7)
        for _ in range(3000):
            text = "".join(rng.choice(words) + rng.choice(["", " ", ";", "; "])
                           for _ in range(rng.randrange(0, 25)))
            _check(_fill_directly(text))

    def test_every_prefix_and_suffix_of_real_headers(self):
        for case in CASES:
            ua = case[0]
            for i in range(len(ua) + 1):
                _check(_fill_directly(ua[:i]))
                _check(_fill_directly(ua[i:]))

    def test_unbalanced_and_nested_parens(self):
        for text in ["(", ")", "((((", "))))", "(a(b(c)d)e", "Mozilla/5.0 (Linux; Android",
                     "Mozilla/5.0 (iPhone; CPU iPhone OS", "(;;;;)", "(Windows NT)", "(CrOS)",
                     "(Android)", "(Linux; Android 14; Build/)", "(compatible; +http://)",
                     "(Macintosh; Mac OS X)", "(; Android ;)", "(MSIE)", "(Trident/; rv:)"]:
            _check(_fill_directly(text))


# The User-Agent strings of the ``user_agents`` package's own tests (user-agents 2.2.0, the library
# PyWebIO's session.info.user_agent documents), with the flags that package gives each:
#   (ua, is_mobile, is_tablet, is_pc, is_touch_capable, is_bot)
# plus headless Chrome and common current browsers, phones and tablets, compared the same way.
USER_AGENTS_CASES = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 5_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) "
     "Version/5.1 Mobile/9B179 Safari/7534.48.3", 1, 0, 0, 1, 0),
    ("Mozilla/5.0(iPad; U; CPU iPhone OS 3_2 like Mac OS X; en-us) AppleWebKit/531.21.10 (KHTML, like Gecko) "
     "Version/4.0.4 Mobile/7B314 Safari/531.21.10", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (Linux; U; Android 2.2; en-us; SCH-I800 Build/FROYO) AppleWebKit/533.1 (KHTML, like Gecko) "
     "Version/4.0 Mobile Safari/533.1", 1, 0, 0, 1, 0),
    ("Mozilla/5.0 (Linux; U; Android 4.0.4; en-gb; GT-I9300 Build/IMM76D) AppleWebKit/534.30 (KHTML, like Gecko) "
     "Version/4.0 Mobile Safari/534.30", 1, 0, 0, 1, 0),
    ("Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_3; en-us; Silk/1.1.0-80) AppleWebKit/533.16 "
     "(KHTML, like Gecko) Version/5.0 Safari/533.16 Silk-Accelerated=true", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (PlayBook; U; RIM Tablet OS 2.0.1; en-US) AppleWebKit/535.8+ (KHTML, like Gecko) "
     "Version/7.2.0.1 Safari/535.8+", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (Linux; Android 4.1.1; Nexus 7 Build/JRO03D) AppleWebKit/535.19 (KHTML, like Gecko) "
     "Chrome/18.0.1025.166  Safari/535.19", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (compatible; MSIE 9.0; Windows Phone OS 7.5; Trident/5.0; IEMobile/9.0; SAMSUNG; SGH-i917)",
     1, 0, 0, 1, 0),
    ("Mozilla/5.0 (BlackBerry; U; BlackBerry 9800; zh-TW) AppleWebKit/534.8+ (KHTML, like Gecko) "
     "Version/6.0.0.448 Mobile Safari/534.8+", 1, 0, 0, 0, 0),
    ("BlackBerry9700/5.0.0.862 Profile/MIDP-2.1 Configuration/CLDC-1.1 VendorID/331 UNTRUSTED/1.0 3gpp-gba",
     1, 0, 0, 0, 0),
    ("Mozilla/5.0 (BlackBerry; U; BlackBerry 9930; en-US) AppleWebKit/534.11+ (KHTML, like Gecko) "
     "Version/7.0.0.241 Mobile Safari/534.11+", 1, 0, 0, 0, 0),
    ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; ARM; Trident/6.0)", 0, 1, 1, 1, 0),
    ("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (J2ME/22.478; U; en) Presto/2.5.25 Version/10.54",
     1, 0, 0, 0, 0),
    ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)", 0, 0, 1, 0, 0),
    ("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0; Touch)", 0, 0, 1, 1, 0),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_6_8) AppleWebKit/537.13+ (KHTML, like Gecko) "
     "Version/5.1.7 Safari/534.57.2", 0, 0, 1, 0, 0),
    ("Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", 0, 0, 1, 0, 0),
    ("Mozilla/5.0 (X11; Ubuntu; Linux i686; rv:15.0) Gecko/20100101 Firefox/15.0.1", 0, 0, 1, 0, 0),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 0, 0, 0, 0, 1),
    ("Mozilla/5.0 (SymbianOS/9.4; Series60/5.0 NokiaN97-1/12.0.024; Profile/MIDP-2.1 "
     "Configuration/CLDC-1.1; en-us) AppleWebKit/525 (KHTML, like Gecko) BrowserNG/7.1.12344", 1, 0, 0, 0, 0),
    ("Mozilla/5.0 (Android; Mobile; rv:27.0) Gecko/27.0 Firefox/27.0", 1, 0, 0, 1, 0),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Thunderbird/38.2.0 Lightning/4.0.2",
     0, 0, 1, 0, 0),
    ("Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/6.0; Microsoft Outlook 15.0.4420)",
     0, 0, 1, 0, 0),
    ("Mozilla/5.0 (X11; CrOS i686 0.12.433) AppleWebKit/534.30 (KHTML, like Gecko) Chrome/12.0.742.77 "
     "Safari/534.30", 0, 0, 1, 0, 0),
    # headless Chrome (what Playwright's Chromium sends) and current browsers
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
     "Safari/537.36", 0, 0, 1, 0, 0),
    (CHROME_WIN, 0, 0, 1, 0, 0),
    (SAFARI_MAC, 0, 0, 1, 0, 0),
    (SAFARI_IPHONE, 1, 0, 0, 1, 0),
    (CHROME_ANDROID_SAMSUNG, 1, 0, 0, 1, 0),
    ("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (Linux; Android 12; SM-X706B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) "
     "Silk/3.4 Mobile Safari/535.19 Silk-Accelerated=true", 0, 1, 0, 1, 0),
    ("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", 1, 0, 0, 1, 0),
    ("curl/8.4.0", 0, 0, 0, 0, 0),
    ("python-requests/2.31.0", 0, 0, 0, 0, 0),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 0, 0, 0, 0, 1),
]


@pytest.mark.parametrize("ua,mobile,tablet,pc,touch,bot", USER_AGENTS_CASES,
                         ids=[f"ua{i:02d}" for i in range(len(USER_AGENTS_CASES))])
def test_flags_match_the_user_agents_package(ua, mobile, tablet, pc, touch, bot):
    got = parse(ua)
    assert (got.is_mobile, got.is_tablet, got.is_pc, got.is_touch_capable, got.is_bot) == \
        (bool(mobile), bool(tablet), bool(pc), bool(touch), bool(bot))


def test_headless_chrome_on_linux_is_a_pc_not_a_bot():
    ua = parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "HeadlessChrome/120.0.6099.28 Safari/537.36")
    assert ua.is_pc and not ua.is_bot
    assert ua.browser.family == "HeadlessChrome" and ua.os.family == "Linux"
    assert str(ua) == "PC / Linux / HeadlessChrome 120.0.6099"
