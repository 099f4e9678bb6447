"""RFM scores of Green Fork's order lines with Spark: the job lesson 03b runs.

Locally (what the lesson does):

    python spark_rfm.py ORDER_LINES_FOLDER RESULT_FOLDER

On a cluster, the same file with spark-submit; two things change, both outside the code: the
master (``--master yarn`` or ``k8s://...`` instead of local) and the paths (the lake's, e.g.
``s3a://bucket/order_lines`` instead of a local folder):

    spark-submit --master yarn --deploy-mode cluster spark_rfm.py s3a://lake/order_lines s3a://lake/rfm
"""

import os
import sys

from pyspark.sql import SparkSession

from course_lib.rfm_sql import rfm_sql


def main() -> None:
    lines_folder, result_folder = sys.argv[1], sys.argv[2]
    builder = SparkSession.builder.appName("green-fork-rfm")
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # plain python, not spark-submit: a local Spark on this machine
        builder = (
            builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")  # 200 by default: sized for a cluster, slow on a laptop
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    # The order lines, one folder per month; money of a line = quantity x price - discount, in whole
    # cents, so that every engine adds it exactly (decimal euros can differ in the last binary digit).
    spark.read.parquet(lines_folder).selectExpr(
        "customer_id",
        "order_id",
        "ordered_at",
        "CAST(ROUND((quantity * unit_price - discount) * 100) AS BIGINT) AS amount",
    ).createOrReplaceTempView("transactions")

    # The same query as in DuckDB, spelt for Spark SQL.
    scores = spark.sql(rfm_sql(order="order_id", dialect="spark"))
    scores.write.mode("overwrite").parquet(result_folder)
    print(f"{scores.count():,} customers scored; result in {result_folder}")
    spark.stop()


if __name__ == "__main__":
    main()
