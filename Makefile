# The two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Optional dependency groups to install: the container installs none.
EXTRAS ?= dev
# Two test processes: this is a 2-core machine, and the suite's tests are independent.
PYTEST_ARGS ?= -n 2

.PHONY: install run test test-fast lint format serve release web backup restore demo bench clean

# constraints.txt pins every package, direct or not, to the versions CI ran with.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.$(if $(EXTRAS),[$(EXTRAS)])'
	touch $(STAMP)

install: $(STAMP)

# Development server on SQLite with the example corpus and demo users, on $(HOST):$(PORT)
# (`make run PORT=8001`). The first run writes .env (DEBUG on, a generated secret) so that
# `source .venv/bin/activate; python manage.py ...` works in any terminal afterwards.
run: $(STAMP) .env
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Never overwritten: a developer may have edited it. Production has none (git-ignored).
.env:
	printf '# Written by `make run` for development; the environment wins over it.\nDEBUG=1\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	chmod 600 .env

# The whole suite: SQLite by default, or the database in DATABASE_URL.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy config threads annotate

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# One web process on its own: migrations, then collected static files and gunicorn.
# Needs SECRET_KEY and DATABASE_URL (and ALLOWED_HOSTS) in the environment.
serve: release web

# What a release runs once, before any web process or worker starts (the compose file's
# `migrate` service): migrations and the cache table. Never from N web containers at once.
release: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

# What each web container runs: collected static files, then gunicorn.
# Threaded workers (gthread) let a worker serve another request while one waits on the
# database: with 8 annotators saving at once on PostgreSQL, 2 x 4 threads served about twice
# the saves/s of 2 sync workers (bench/annotate_save.py), as many as 3 x 3 and more than 4 x 2
# or 2 x 8 (which cost more CPU a save). GUNICORN_THREADS=1 for sync-like.
# No gunicorn access log: the app writes one line a request with its id and timing
# (config/logs.py); GUNICORN_ARGS='--access-logfile -' brings gunicorn's back.
web: $(STAMP)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn config.wsgi:application --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-2} --worker-class gthread --threads $${GUNICORN_THREADS:-4} \
		$(GUNICORN_ARGS)

# A backup of the app's database ($$DATABASE_URL, else the development SQLite file) to
# var/backups/ or BACKUP=FILE, and a restore from BACKUP=FILE (stop the web and the workers
# first): pg_dump/pg_restore on PostgreSQL, SQLite's backup API (scripts/database_backup.py).
backup: $(STAMP)
	$(BIN)/python scripts/database_backup.py backup $(if $(BACKUP),--output $(BACKUP))

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Which backup? make restore BACKUP=var/backups/FILE" >&2; exit 2; }
	$(BIN)/python scripts/database_backup.py restore $(BACKUP)

bench: $(STAMP)
	$(BIN)/python bench/import_export.py

clean:
	rm -rf $(VENV) var/static
