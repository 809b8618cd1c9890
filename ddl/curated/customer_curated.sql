-- Customers in customer_trusted who have accelerometer readings.
CREATE EXTERNAL TABLE IF NOT EXISTS customer_curated (
  `customerName`              STRING COMMENT 'pii: full name',
  `email`                     STRING COMMENT 'pii: identifies the customer',
  `phone`                     STRING COMMENT 'pii: digits',
  `birthDay`                  STRING COMMENT 'pii: year-month-day, years of 1 to 4 digits',
  `serialNumber`              STRING COMMENT 'UUID of the customer step trainer',
  `registrationDate`          BIGINT COMMENT 'epoch milliseconds',
  `lastUpdateDate`            BIGINT COMMENT 'epoch milliseconds',
  `shareWithResearchAsOfDate` BIGINT COMMENT 'epoch milliseconds',
  `shareWithPublicAsOfDate`   BIGINT COMMENT 'epoch milliseconds',
  `shareWithFriendsAsOfDate`  BIGINT COMMENT 'epoch milliseconds'
)
STORED AS PARQUET;
