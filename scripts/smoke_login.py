"""Log in as the demo admin over HTTP and check the shell renders (used by smoke-sqlite)."""

import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

base = sys.argv[1]
jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(f"{base}/accounts/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
assert token, "no CSRF token on the login page"
data = urllib.parse.urlencode(
    {
        "csrfmiddlewaretoken": token.group(1),
        "username": "admin@pult.demo",
        "password": "lamp-river-42",
    }
).encode()
request = urllib.request.Request(
    f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
)
home = opener.open(request).read().decode()
assert "data-workspace" in home and "Demo" in home, "the shell did not render after login"
print("login as the demo admin: OK")
