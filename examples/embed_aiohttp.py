"""An aiohttp site with a pywebio_lite app beside its own pages (docs/embedding.md, "aiohttp"):
the app mounted at /tool/ (its handler serves the page, its files and its socket).

    python examples/embed_aiohttp.py     # http://127.0.0.1:8080/ : the site, /tool/ : the app
"""
from aiohttp import web

from pywebio_lite.input import FLOAT, input
from pywebio_lite.output import put_buttons, put_markdown, put_text
from pywebio_lite.platform.aiohttp import webio_handler


async def bmi():
    """BMI calculator"""
    height = await input("Your height (cm)", type=FLOAT)
    weight = await input("Your weight (kg)", type=FLOAT)
    value = weight / (height / 100) ** 2
    put_markdown(f"Your BMI: **{value:.1f}**")
    put_buttons(["What does it mean?"], onclick=lambda _: put_text(
        "Under 18.5: underweight; 18.5 to 25: normal; 25 to 30: overweight; over 30: obese."))


async def home(request):
    return web.Response(content_type="text/html", text=(
        '<!doctype html><html lang="en"><title>My site</title><h1>My site</h1>'
        '<p><a href="/tool/">BMI calculator</a></p></html>'))


def routes():
    return [web.get("/", home), web.get("/tool{tail:.*}", webio_handler(bmi))]


if __name__ == "__main__":
    app = web.Application()
    app.add_routes(routes())
    web.run_app(app, host="127.0.0.1", port=8080)
