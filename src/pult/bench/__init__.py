"""`pult bench`: Pult measured the production way.

A run starts uvicorn (2 workers, DEBUG off) on loopback against the configured
PostgreSQL database, logs in the seed contract's people through the real login form and
measures each scenario from the outside (latency percentiles, requests per second),
while a probe process with the server's exact settings counts the SQL of one request
and times the same statements run alone (the floor). Modules:

- `stats`     percentiles and a latency summary (pure)
- `report`    budgets, the printed table and the JSON file (pure)
- `server`    the uvicorn process tree: start, health wait, RSS, stop
- `client`    a keep-alive HTTP client with cookies and the login form
- `probe`     the subprocess that counts queries and measures the floor
- `scenarios` what is measured, found in the seed workspaces
- `load`      the load loops (threads for HTTP, asyncio for WebSocket)
- `runner`    the whole run, bounded in time
"""
