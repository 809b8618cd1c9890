-- Customer records from the fulfilment website, one JSON object per line, as the producer sends them.
-- Consent fields are absent (not null) when consent was not given.
CREATE EXTERNAL TABLE IF NOT EXISTS customer_landing (
  `customerName`              STRING COMMENT 'pii: full name, First Last',
  `email`                     STRING COMMENT 'pii: identifies the customer; accelerometer user holds it',
  `phone`                     STRING COMMENT 'pii: digits',
  `birthDay`                  STRING COMMENT 'pii: year-month-day, years of 1 to 4 digits (993-01-01); implausible years occur',
  `serialNumber`              STRING COMMENT 'UUID of the customer step trainer',
  `registrationDate`          BIGINT COMMENT 'epoch milliseconds',
  `lastUpdateDate`            BIGINT COMMENT 'epoch milliseconds; the latest record of a customer wins',
  `shareWithResearchAsOfDate` BIGINT COMMENT 'epoch milliseconds; research consent; absent in the record (null here) when not given',
  `shareWithPublicAsOfDate`   BIGINT COMMENT 'epoch milliseconds; absent in the record (null here) when not given',
  `shareWithFriendsAsOfDate`  BIGINT COMMENT 'epoch milliseconds; absent in the record (null here) when not given'
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
STORED AS TEXTFILE;
