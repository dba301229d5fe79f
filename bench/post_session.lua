-- wrk script: create sessions (POST /api/sessions) with a small JSON body.
wrk.method = "POST"
wrk.body = '{"title":"bench","language":"python","ttl_seconds":3600}'
wrk.headers["Content-Type"] = "application/json"
