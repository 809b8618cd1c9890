"""Glue Spark entry script: runs one transform of glue/sql/ for one run of the pipeline.

The job reads and writes the run's data through Glue catalog tables only, never through S3 paths,
so that Lake Formation decides (full-table access, Glue 5.0): its inputs are the staging copies of
the tables it reads, its output the staging copy of the table it builds, each pointed at the run's
folder by the state machine's Stage step before any job starts.

The job's arguments (set by stacks/processing/transform-jobs.ts, the run id by the state machine):
  --run_id           the run, e.g. 20240102T030405123Z-0a1b2c3d
  --table            the table the transform builds
  --sql_location     s3:// URI of the transform's SQL (glue/sql/<zone>/<table>.sql, uploaded as an asset)
  --inputs           JSON list of {"table", "database", "columns": [[name, DDL type], ...]}; each input
                     becomes a temporary view named after its bare table name, which is how the SQL
                     refers to it, with the DDL's columns and types
  --output_table     JSON {"database", "table"}: the staging table the result is written into
  --output_columns   JSON list of [name, DDL type] from ddl/; the result is checked and cast to it

The SQL is the same file DuckDB runs locally; nothing here rewrites it.
"""
import json
import re
import sys

RUN_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
REQUIRED = ("run_id", "table", "sql_location", "inputs", "output_table", "output_columns")
SPARK_TYPES = {"STRING": "STRING", "BIGINT": "BIGINT", "INT": "INT", "DOUBLE": "DOUBLE"}
# The table parameter the Stage step sets to the run a staging table points at (src/catalog/run-layout.ts).
RUN_ID_PARAMETER = "stedi_run_id"


class TransformError(Exception):
    """A problem an operator fixes in glue/sql, ddl/, the job's arguments or the run's staging."""


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


def check_run_id(run_id):
    """The run's id, which names the run's folders: it must not be able to leave them."""
    if not RUN_ID.match(run_id):
        raise TransformError("--run_id must be 1-64 letters, digits or '-' (got %r)" % run_id)
    return run_id


def check_staged(table, parameters, run_id):
    """A staging table must point at this run, or the job would read or overwrite another run's data."""
    got = (parameters or {}).get(RUN_ID_PARAMETER)
    if got != run_id:
        raise TransformError(
            "staging table %s points at run %s, not this run %s; the state machine's Stage step points it "
            "(stacks/orchestration/pipeline-definition.ts)" % (table, got or "(none)", run_id)
        )


def quote(name):
    return "`" + name.replace("`", "``") + "`"


def check_columns(got, want, table):
    """The transform must return the DDL's columns, in order (names compared case-insensitively)."""
    if [c.lower() for c in got] != [c.lower() for c in want]:
        raise TransformError(
            "glue/sql for %s returns columns (%s) but ddl/ declares (%s)" % (table, ", ".join(got), ", ".join(want))
        )


def input_select(available, columns, view):
    """An input on its DDL's columns and types; a column no record has (an empty table) is NULL."""
    have = dict((c.lower(), c) for c in available)
    casts = []
    for name, kind in columns:
        source = have.get(name.lower())
        casts.append("CAST(%s AS %s) AS %s" % (quote(source) if source else "NULL", SPARK_TYPES[kind], quote(name)))
    return "SELECT %s FROM %s" % (", ".join(casts), quote(view))


def typed_select(columns, view):
    """Casts each column to its DDL type, under the DDL's spelling of its name."""
    casts = ", ".join("CAST(%s AS %s) AS %s" % (quote(n), SPARK_TYPES[k], quote(n)) for n, k in columns)
    return "SELECT %s FROM %s" % (casts, quote(view))


def statement(sql):
    """The transform's one statement, without a trailing semicolon."""
    return re.sub(r";\s*$", "", sql.strip())


def main(argv):
    import boto3
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    args = job_arguments(argv)
    run_id = check_run_id(args["run_id"])
    table = args["table"]
    inputs = json.loads(args["inputs"])
    output = json.loads(args["output_table"])
    columns = json.loads(args["output_columns"])

    glue = boto3.client("glue")
    for t in inputs + [output]:
        staged = glue.get_table(DatabaseName=t["database"], Name=t["table"])["Table"]
        check_staged("%s.%s" % (t["database"], t["table"]), staged.get("Parameters"), run_id)

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    sql = spark.read.text(args["sql_location"], wholetext=True).first()[0]
    for source in inputs:
        # Through the catalog table: Lake Formation vends the credentials for its location.
        frame = glue_context.create_dynamic_frame.from_catalog(database=source["database"], table_name=source["table"]).toDF()
        raw = "__stedi_input_" + source["table"]
        frame.createOrReplaceTempView(raw)
        spark.sql(input_select(frame.columns, source["columns"], raw)).createOrReplaceTempView(source["table"])

    result = spark.sql(statement(sql))
    check_columns(result.columns, [name for name, _ in columns], table)
    result.createOrReplaceTempView("__stedi_result")
    typed = spark.sql(typed_select(columns, "__stedi_result"))
    # The staging table's folder belongs to this run alone: overwriting makes a retried job idempotent.
    target = "%s.%s" % (quote(output["database"]), quote(output["table"]))
    typed.write.insertInto(target, overwrite=True)
    print("stedi: wrote %s for run %s into %s" % (table, run_id, target))


if __name__ == "__main__":
    main(sys.argv)
