-- Step trainer readings from the IoT stream, one JSON object per line.
CREATE EXTERNAL TABLE IF NOT EXISTS step_trainer_landing (
  `sensorReadingTime`  BIGINT COMMENT 'epoch milliseconds; equals an accelerometer timestamp of the same customer',
  `serialNumber`       STRING COMMENT 'UUID of the device, the customer serialNumber',
  `distanceFromObject` INT    COMMENT 'centimetres'
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
STORED AS TEXTFILE;
