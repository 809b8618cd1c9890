-- The latest record of each customer (by email, by lastUpdateDate) when that record carries research
-- consent. A later record without consent revokes an earlier consent. On a tie of lastUpdateDate the
-- record without consent ranks first, so that an ambiguous update never grants consent; likewise for
-- public and friends consent. The order covers every column, NULLS placed explicitly (Spark sorts
-- ascending NULLS FIRST by default, DuckDB and Trino NULLS LAST), so that every engine picks the
-- same record whatever order the records arrive in. quality-rules/accounting/customer.sql repeats it.
SELECT
  latest.customerName,
  latest.email,
  latest.phone,
  latest.birthDay,
  latest.serialNumber,
  latest.registrationDate,
  latest.lastUpdateDate,
  latest.shareWithResearchAsOfDate,
  latest.shareWithPublicAsOfDate,
  latest.shareWithFriendsAsOfDate
FROM (
  SELECT
    c.*,
    ROW_NUMBER() OVER (
      PARTITION BY c.email
      ORDER BY c.lastUpdateDate DESC NULLS LAST,
               c.shareWithResearchAsOfDate ASC NULLS FIRST,
               c.registrationDate DESC NULLS LAST,
               c.serialNumber ASC NULLS LAST,
               c.customerName ASC NULLS LAST,
               c.phone ASC NULLS LAST,
               c.birthDay ASC NULLS LAST,
               c.shareWithPublicAsOfDate ASC NULLS FIRST,
               c.shareWithFriendsAsOfDate ASC NULLS FIRST
    ) AS recency
  FROM customer_landing c
) latest
WHERE latest.recency = 1
  AND latest.shareWithResearchAsOfDate IS NOT NULL
