"""Glue Spark entry script: runs one transform of glue/sql/ for one run of the pipeline.

The job's arguments (set by stacks/processing/transform-jobs.ts, the run id by the state machine):
  --run_id           the run, e.g. 20240102T030405123Z-0a1b2c3d
  --table            the table the transform builds
  --sql_location     s3:// URI of the transform's SQL (glue/sql/<zone>/<table>.sql, uploaded as an asset)
  --inputs           JSON list of {"table", "format": "json"|"parquet", "location", "schema"}; each
                     input becomes a temporary view named after its bare table name, which is how
                     the SQL refers to it. "{run_id}" in a location is the run's folder.
  --output_location  s3:// URI of the run-scoped output folder, ".../<table>/run_id={run_id}/"
  --output_columns   JSON list of [name, DDL type] from ddl/; the result is checked and cast to it

The SQL is the same file DuckDB runs locally; nothing here rewrites it.
"""
import json
import re
import sys

RUN_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
REQUIRED = ("run_id", "table", "sql_location", "inputs", "output_location", "output_columns")
SPARK_TYPES = {"STRING": "STRING", "BIGINT": "BIGINT", "INT": "INT", "DOUBLE": "DOUBLE"}


class TransformError(Exception):
    """A problem an operator fixes in glue/sql, ddl/ or the job's arguments."""


def job_arguments(argv):
    """The --name value pairs Glue passes to the script (it adds some of its own, kept too)."""
    args = {}
    i = 1
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            args[token[2:]] = argv[i + 1]
            i += 2
        else:
            i += 1
    missing = [name for name in REQUIRED if name not in args]
    if missing:
        raise TransformError("missing job argument(s): " + ", ".join("--" + m for m in missing))
    return args


def for_run(template, run_id):
    """Fills the run's id into a location template; the id must not be able to leave its folder."""
    if not RUN_ID.match(run_id):
        raise TransformError("--run_id must be 1-64 letters, digits or '-' (got %r)" % run_id)
    return template.replace("{run_id}", run_id)


def quote(name):
    return "`" + name.replace("`", "``") + "`"


def ddl_schema(columns):
    """A Spark DDL schema string from [name, type] pairs: `a` STRING, `b` BIGINT."""
    return ", ".join("%s %s" % (quote(name), SPARK_TYPES[kind]) for name, kind in columns)


def check_columns(got, want, table):
    """The transform must return the DDL's columns, in order (names compared case-insensitively)."""
    if [c.lower() for c in got] != [c.lower() for c in want]:
        raise TransformError(
            "glue/sql for %s returns columns (%s) but ddl/ declares (%s)" % (table, ", ".join(got), ", ".join(want))
        )


def typed_select(columns, view):
    """Casts each column to its DDL type, under the DDL's spelling of its name."""
    casts = ", ".join("CAST(%s AS %s) AS %s" % (quote(n), SPARK_TYPES[k], quote(n)) for n, k in columns)
    return "SELECT %s FROM %s" % (casts, quote(view))


def statement(sql):
    """The transform's one statement, without a trailing semicolon."""
    return re.sub(r";\s*$", "", sql.strip())


def read_input(spark, source, run_id):
    from pyspark.sql.utils import AnalysisException

    location = for_run(source["location"], run_id)
    reader = spark.read.schema(source["schema"])
    try:
        if source["format"] == "json":
            return reader.json(location)
        if source["format"] == "parquet":
            return reader.parquet(location)
    except AnalysisException as e:
        # A dataset without valid records this run has no folder: it is an empty table, not an error.
        if "Path does not exist" in str(e) or "PATH_NOT_FOUND" in str(e):
            return spark.createDataFrame([], source["schema"])
        raise
    raise TransformError("input %s has unknown format %r" % (source["table"], source["format"]))


def main(argv):
    from pyspark.sql import SparkSession

    args = job_arguments(argv)
    run_id = args["run_id"]
    table = args["table"]
    inputs = json.loads(args["inputs"])
    columns = json.loads(args["output_columns"])
    output = for_run(args["output_location"], run_id)

    spark = SparkSession.builder.appName("stedi-%s-%s" % (table, run_id)).getOrCreate()
    sql = spark.read.text(args["sql_location"], wholetext=True).first()[0]
    for source in inputs:
        read_input(spark, source, run_id).createOrReplaceTempView(source["table"])

    result = spark.sql(statement(sql))
    check_columns(result.columns, [name for name, _ in columns], table)
    result.createOrReplaceTempView("__stedi_result")
    typed = spark.sql(typed_select(columns, "__stedi_result"))
    # The folder belongs to this run alone: overwriting it makes a retried job idempotent.
    typed.write.mode("overwrite").parquet(output)
    print("stedi: wrote %s for run %s to %s" % (table, run_id, output))


if __name__ == "__main__":
    main(sys.argv)
