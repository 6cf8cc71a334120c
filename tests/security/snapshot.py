"""What a committee member reads: the dashboard and the meeting report, cell by cell, and the
uploaded photos; compared before a backup and after its restore (test_backup.py)."""

import hashlib
import io
import json
import re
import sys

QUARTER = "/reports/2021/q1/"


def snapshot():
    from django.test import Client
    from openpyxl import load_workbook

    from communes.models import User
    from ocop.models import Product

    client = Client()
    client.force_login(User.objects.get(username="committee"))
    page = client.get(QUARTER)
    assert page.status_code == 200, page.status_code
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
    report = client.get(QUARTER + "export.xlsx")
    workbook = load_workbook(io.BytesIO(report.getvalue()))
    cells = {ws.title: [[None if c.value is None else str(c.value) for c in row]
                        for row in ws.iter_rows()] for ws in workbook.worksheets}
    photos = {}
    for product in Product.objects.exclude(photo="").order_by("pk"):
        response = client.get(product.photo.url)
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        photos[product.slug] = [response.status_code, hashlib.sha256(body).hexdigest()]
    return {"dashboard": html, "workbook": cells, "photos": photos,
            "users": sorted(User.objects.values_list("username", flat=True))}


if __name__ == "__main__":  # run inside a configured Django process
    json.dump(snapshot(), sys.stdout)
