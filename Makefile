# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DJ     := $(VENV)/bin/dangjian
DEMO   := build/demo

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(DJ) template $(DEMO)/templates
	$(DJ) load-divisions --region 530702003 --db $(DEMO)/dangjian.db
	$(DJ) load examples/xianghe --db $(DEMO)/dangjian.db --rejects $(DEMO)/rejects-examples.csv
	$(DJ) snapshot save 上次督查 --db $(DEMO)/dangjian.db
	$(DJ) load examples/messy --db $(DEMO)/dangjian.db --rejects $(DEMO)/rejects-messy.csv
	$(DJ) load examples/huamingce --db $(DEMO)/dangjian.db --rejects $(DEMO)/rejects-huamingce.csv
	$(DJ) info --db $(DEMO)/dangjian.db
	$(DJ) gaps --db $(DEMO)/dangjian.db --severity medium --limit 15
	@echo "== What changed since the last check (督查), and a plan for the communities short of partners =="
	$(DJ) snapshot save 本次督查 --db $(DEMO)/dangjian.db
	$(DJ) diff 上次督查 本次督查 --db $(DEMO)/dangjian.db --limit 5
	$(DJ) suggest partners --area 祥和街道 --min 2 --db $(DEMO)/dangjian.db
	$(DJ) view overview --db $(DEMO)/dangjian.db -o $(DEMO)/overview.html
	$(DJ) view community 祥云社区 --db $(DEMO)/dangjian.db -o $(DEMO)/community-祥云社区.html
	$(DJ) view tree --db $(DEMO)/dangjian.db -o $(DEMO)/tree.html
	$(DJ) view coconstruction --db $(DEMO)/dangjian.db -o $(DEMO)/coconstruction.html
	$(DJ) view gaps --db $(DEMO)/dangjian.db -o $(DEMO)/gaps.html
	$(DJ) report --area 祥和街道 --db $(DEMO)/dangjian.db -o $(DEMO)/祥和街道工作报告.docx
	$(DJ) gaps --db $(DEMO)/dangjian.db --format xlsx -o $(DEMO)/问题清单.xlsx
	@echo "== 2. A whole city: the official areas of 丽江市 with a generated Party-building layer =="
	$(DJ) synth --region 5307 --preset lijiang --seed 1 -o $(DEMO)/lijiang
	$(DJ) load $(DEMO)/lijiang --db $(DEMO)/lijiang.db --rejects $(DEMO)/rejects-lijiang.csv
	$(DJ) gaps --db $(DEMO)/lijiang.db --severity high --limit 10
	$(DJ) stats --db $(DEMO)/lijiang.db --report
	$(DJ) report --db $(DEMO)/lijiang.db -o $(DEMO)/丽江市工作报告.xlsx
	$(DJ) view overview --db $(DEMO)/lijiang.db -o $(DEMO)/lijiang-overview.html
	$(DJ) suggest partners --min 3 --db $(DEMO)/lijiang.db --format xlsx -o $(DEMO)/丽江市共建调配.xlsx
	@echo "== 3. At the size of the 2011 report (49 communities): the statistics are the report's figures =="
	$(DJ) synth --region 5307 --preset lijiang --communities 49 --seed 1 -o $(DEMO)/lijiang-2011
	$(DJ) load $(DEMO)/lijiang-2011 --db $(DEMO)/lijiang-2011.db --rejects $(DEMO)/rejects-lijiang-2011.csv
	$(DJ) stats --db $(DEMO)/lijiang-2011.db --report
	@echo "== 4. For Neo4j: bulk-import files (push with: dangjian neo4j push --uri neo4j+s://…) =="
	$(DJ) neo4j export $(DEMO)/neo4j-import --db $(DEMO)/lijiang.db
	@echo "Next: open the .html files above in a browser (offline; click a node, search xysq or a pinyin);"
	@echo "      compare the findings with $(DEMO)/lijiang/ground_truth.json (the planted gaps);"
	@echo "      try: $(DJ) show 彩云社区 --db $(DEMO)/dangjian.db   and   $(DJ) find xysq --db $(DEMO)/dangjian.db"
	@echo "      the saved Neo4j queries: $(DJ) neo4j query   (files in queries/cypher/)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# The Cypher lint tests run Neo4j's front-end under Node (tests/cypher_lint); without npm they skip.
CYPHER_LINT := tests/cypher_lint

$(CYPHER_LINT)/node_modules/.installed: $(CYPHER_LINT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix $(CYPHER_LINT) --no-audit --no-fund && touch $@ \
	    || echo "note: npm ci in $(CYPHER_LINT) failed: the Cypher lint tests will skip"; \
	else \
	    echo "note: no npm: the Cypher lint tests will skip (apt-get install nodejs npm)"; \
	fi

# The Neo4j tests run against a real Neo4j 5 server that tests/neo4j/with-server starts (fetched
# through Maven, on 127.0.0.1, a generated password) and stops when pytest ends.
test: lint $(CYPHER_LINT)/node_modules/.installed
	tests/neo4j/with-server $(VENV)/bin/pytest -q -n 2 --dist loadgroup

# The commands as users run them (BENCHMARKS.md, "Commands"): the chengdu city's table, side by side
# with the commit before the columnar workspace, a province, growth and the naive peer.
bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) benchmarks/bench_commands.py city
	$(PY) benchmarks/bench_ab.py --old dfd8c71 --phase commands --rounds 5
	$(PY) benchmarks/bench_commands.py province
	$(PY) benchmarks/bench_commands.py growth
	$(PY) benchmarks/bench_commands.py naive
	$(PY) benchmarks/bench_views.py
	$(PY) benchmarks/bench_browser.py
	$(PY) benchmarks/bench_backbone.py
	$(PY) benchmarks/bench_floor.py
	$(PY) benchmarks/bench_export.py --backbone
	$(PY) benchmarks/bench_export.py --city 53 --preset lijiang --scale 0.6
	$(PY) benchmarks/bench_neo4j.py --backbone --province

clean:
	rm -rf $(VENV) build dist *.egg-info
