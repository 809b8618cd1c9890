-- The latest record of each customer who consented to research (a later record without consent revokes it).
CREATE EXTERNAL TABLE IF NOT EXISTS customer_trusted (
  `customerName`              STRING COMMENT 'pii: full name',
  `email`                     STRING COMMENT 'pii: identifies the customer',
  `phone`                     STRING COMMENT 'pii: digits',
  `birthDay`                  STRING COMMENT 'pii: year-month-day, years of 1 to 4 digits',
  `serialNumber`              STRING COMMENT 'UUID of the customer step trainer',
  `registrationDate`          BIGINT COMMENT 'epoch milliseconds',
  `lastUpdateDate`            BIGINT COMMENT 'epoch milliseconds',
  `shareWithResearchAsOfDate` BIGINT COMMENT 'epoch milliseconds; never null here',
  `shareWithPublicAsOfDate`   BIGINT COMMENT 'epoch milliseconds',
  `shareWithFriendsAsOfDate`  BIGINT COMMENT 'epoch milliseconds'
)
STORED AS PARQUET;
