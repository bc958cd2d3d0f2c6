"""Run one benchmark task inside an Odoo registry and print its result as JSON.

Usage: python3 bench/odoo_task.py CONFIG DATABASE TASK '{"arg": value}'

The task functions live in ``bench/tasks.py``; each takes an environment (superuser)
and keyword arguments and returns a dict of figures. The transaction is committed
only when the task asks for it (``commit=True``), so measuring leaves no trace.
"""

import json
import logging
import sys
from pathlib import Path

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tasks  # noqa: E402


def main(argv):
    config_file, dbname, task_name, raw_args = argv[1:5]
    config.parse_config(["-c", config_file, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    task = getattr(tasks, task_name)
    kwargs = json.loads(raw_args)
    commit = kwargs.pop("commit", False)
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = task(env, **kwargs)
        if commit:
            cr.commit()
        else:
            cr.rollback()
    print("BENCH_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
