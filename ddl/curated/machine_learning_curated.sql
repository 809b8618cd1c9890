-- Each step trainer reading paired with the accelerometer reading of the same customer at the same moment.
CREATE EXTERNAL TABLE IF NOT EXISTS machine_learning_curated (
  `sensorReadingTime`  BIGINT COMMENT 'epoch milliseconds; equals the accelerometer timestamp',
  `serialNumber`       STRING COMMENT 'UUID of the device',
  `distanceFromObject` INT    COMMENT 'centimetres',
  `user`               STRING COMMENT 'pii: email of the customer the accelerometer reading belongs to',
  `x`                  DOUBLE COMMENT 'acceleration on the x axis',
  `y`                  DOUBLE COMMENT 'acceleration on the y axis',
  `z`                  DOUBLE COMMENT 'acceleration on the z axis'
)
STORED AS PARQUET;
