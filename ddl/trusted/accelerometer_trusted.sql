-- Accelerometer readings of customers in customer_trusted, exact duplicates collapsed.
CREATE EXTERNAL TABLE IF NOT EXISTS accelerometer_trusted (
  `user`      STRING COMMENT 'pii: email of the customer',
  `timestamp` BIGINT COMMENT 'epoch milliseconds of the reading',
  `x`         DOUBLE COMMENT 'acceleration on the x axis',
  `y`         DOUBLE COMMENT 'acceleration on the y axis',
  `z`         DOUBLE COMMENT 'acceleration on the z axis'
)
STORED AS PARQUET;
