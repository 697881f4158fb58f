"""N rows of 10 mixed columns in put_datatable (or put_table), by pywebio_lite or PyWebIO (for bench/datatable.py).

    python bench/apps/datatable_app.py ours|pywebio PORT N datatable|table
"""
import sys

kind, port, n, what = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if kind == "ours":
    from pywebio_lite import start_server
    from pywebio_lite.output import put_datatable, put_table
    from pywebio_lite.session import hold
else:
    from pywebio import start_server
    from pywebio.output import put_datatable, put_table
    from pywebio.session import hold

CITIES = ["London", "Paris", "Oslo", "Lima", "Tokyo", "Cairo", "Quito", "Perth", "Turin", "Dakar"]
DEPTS = ["Sales", "Research", "Support", "Legal", "Finance", "Ops"]


def records(n):
    """Deterministic rows; score is a permutation of 0..n-1 (so every value is unique)."""
    return [{"id": i, "name": f"Name {i}", "city": CITIES[i * 7 % 10], "age": 18 + i * 13 % 60,
             "score": (i * 7919) % n / 10, "email": f"user{i}@example.org", "dept": DEPTS[i * 5 % 6],
             "salary": 30000 + i * 37 % 90000, "joined": f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
             "note": f"note {i * 31 % 1000}"} for i in range(n)]


DATA = records(n)


def main():
    if what == "table":
        put_table([list(r.values()) for r in DATA], header=list(DATA[0]))
    else:
        put_datatable(DATA, instance_id="bench", height=600)
    hold()


start_server(main, port=port, host="127.0.0.1", cdn=False)
