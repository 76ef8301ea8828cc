"""A small OpenID Connect provider for the tests, on 127.0.0.1: discovery, authorization
(approving one configured person at once), token (client secret and PKCE checked, a real
RS256-signed ID token), userinfo and JWKS. Breachroom's SSO is tested against it, not
against a mock of the library."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID, CLIENT_SECRET = "breachroom", "issuer-test-secret"


@dataclass
class Issuer:
    url: str
    person: dict[str, Any]
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}

    def claims(self) -> dict[str, Any]:
        return dict(self.person)

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        body = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **self.claims(),
        }
        if nonce:
            body["nonce"] = nonce
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": "test-key"})


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                return self._json(200, issuer.discovery())
            if parts.path == "/jwks":
                return self._json(200, issuer.jwks())
            if parts.path == "/authorize":
                if query.get("client_id") != CLIENT_ID:
                    return self._json(400, {"error": "unauthorized_client"})
                code = secrets.token_urlsafe(16)
                issuer.codes[code] = query
                back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()
                return None
            if parts.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in issuer.tokens:
                    return self._json(401, {"error": "invalid_token"})
                return self._json(200, issuer.claims())
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/token":
                return self._json(404, {"error": "not_found"})
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self._json(401, {"error": "invalid_client"})
            request = issuer.codes.pop(form.get("code", ""), None)
            if request is None or request.get("redirect_uri") != form.get("redirect_uri"):
                return self._json(400, {"error": "invalid_grant"})
            if challenge := request.get("code_challenge"):
                verifier = form.get("code_verifier", "").encode()
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
                if digest.decode() != challenge:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access = secrets.token_urlsafe(24)
            issuer.tokens[access] = {"scope": request.get("scope", "")}
            return self._json(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": issuer.id_token(request.get("nonce")),
                },
            )

    return Handler


@contextmanager
def running_issuer(person: dict[str, Any]) -> Iterator[Issuer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = Issuer(url=f"http://127.0.0.1:{server.server_address[1]}", person=person)
    server.RequestHandlerClass = _handler(issuer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
