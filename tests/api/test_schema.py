"""The OpenAPI schema: valid, served to anyone, and every operation documents its errors."""


def test_every_operation_documents_its_errors(client, demo):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put"):
                assert "400" in codes, (method, path)
            for code in codes - {"200", "201"}:
                content = operation["responses"][code].get("content", {})
                assert content, (method, path, code)
    assert operations > 40
    values = schema["paths"]["/api/submissions/{id}/values/"]["put"]["responses"]
    assert "409" in values
