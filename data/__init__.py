"""Demo data for 监管驾驶舱: county boundaries (`data.geo`) and the demo database (`data.demo`).

Everything this package writes (boundaries/, *.sqlite, *.duckdb) is generated and git-ignored.
"""
