# The user's guide's "coroutine-based session integration into Flask" example, as written, with
# only the import changed (pywebio -> pywebio_lite); the port is a free one (the guide says 80).
import asyncio
import threading
from flask import Flask, send_from_directory
from pywebio_lite import STATIC_PATH
from pywebio_lite.output import *
from pywebio_lite.platform.flask import webio_view
from pywebio_lite.platform import run_event_loop
from pywebio_lite.session import run_asyncio_coroutine

async def hello_word():
    put_text('Hello ...')
    await run_asyncio_coroutine(asyncio.sleep(1))  # can't just "await asyncio.sleep(1)"
    put_text('... World!')

app = Flask(__name__)
app.add_url_rule('/hello', 'webio_view', webio_view(hello_word),
                            methods=['GET', 'POST', 'OPTIONS'])

# thread to run event loop
threading.Thread(target=run_event_loop, daemon=True).start()
app.run(host='127.0.0.1', port=0)
