# SMS Retention for Odoo: the two README commands and their helpers.
# Every target provisions what is missing (virtualenv, Odoo, PostgreSQL).
PYTHON ?= python3
DEVENV = $(PYTHON) setup/dev/devenv.py

.PHONY: run test lint test-addons test-odoo provision readme

## Demo database with the three addons and demo data; Odoo on :8069 (admin/admin)
run:
	$(DEVENV) run

## Every test: lint, install checks, pytest-odoo on a throwaway database
test: lint test-addons

test-addons:
	$(DEVENV) test

## The same addons' tests with Odoo's own runner (odoo --test-enable -i ...)
test-odoo:
	$(DEVENV) odoo-test

lint:
	$(DEVENV) lint

provision:
	$(DEVENV) provision

readme:
	$(DEVENV) readme
