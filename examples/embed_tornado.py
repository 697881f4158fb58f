"""A Tornado site with a pywebio_lite app beside its own pages (docs/embedding.md, "Tornado"):
the user's guide's way, an exact route made by `webio_handler`.

    python examples/embed_tornado.py     # http://127.0.0.1:8080/ : the site, /tool : the app
"""
import tornado.ioloop
import tornado.web

from pywebio_lite.input import FLOAT, input
from pywebio_lite.output import put_buttons, put_markdown, put_text
from pywebio_lite.platform.tornado import webio_handler


def bmi():
    """BMI calculator"""
    height = input("Your height (cm)", type=FLOAT)
    weight = input("Your weight (kg)", type=FLOAT)
    value = weight / (height / 100) ** 2
    put_markdown(f"Your BMI: **{value:.1f}**")
    put_buttons(["What does it mean?"], onclick=lambda _: put_text(
        "Under 18.5: underweight; 18.5 to 25: normal; 25 to 30: overweight; over 30: obese."))


class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write('<!doctype html><html lang="en"><title>My site</title><h1>My site</h1>'
                   '<p><a href="/tool">BMI calculator</a></p></html>')


def routes():
    return [(r"/", MainHandler), (r"/tool", webio_handler(bmi))]


if __name__ == "__main__":
    tornado.web.Application(routes()).listen(port=8080, address="127.0.0.1")
    print("Running on http://127.0.0.1:8080/", flush=True)
    tornado.ioloop.IOLoop.current().start()
