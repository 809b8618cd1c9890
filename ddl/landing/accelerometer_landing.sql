-- Accelerometer readings from the phone app, one JSON object per line.
CREATE EXTERNAL TABLE IF NOT EXISTS accelerometer_landing (
  `user`      STRING COMMENT 'pii: email of the customer who carried the phone',
  `timestamp` BIGINT COMMENT 'epoch milliseconds of the reading',
  `x`         DOUBLE COMMENT 'acceleration on the x axis',
  `y`         DOUBLE COMMENT 'acceleration on the y axis',
  `z`         DOUBLE COMMENT 'acceleration on the z axis'
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
STORED AS TEXTFILE;
