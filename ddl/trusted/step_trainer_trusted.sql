-- Step trainer readings of devices owned by customers in customer_curated, exact duplicates collapsed.
CREATE EXTERNAL TABLE IF NOT EXISTS step_trainer_trusted (
  `sensorReadingTime`  BIGINT COMMENT 'epoch milliseconds',
  `serialNumber`       STRING COMMENT 'UUID of the device',
  `distanceFromObject` INT    COMMENT 'centimetres'
)
STORED AS PARQUET;
