-- The latest record of each customer (by email, by lastUpdateDate) when that record carries research
-- consent. A later record without consent revokes an earlier consent. On a tie of lastUpdateDate the
-- record without consent ranks first, so that an ambiguous update never grants consent.
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
      ORDER BY c.lastUpdateDate DESC,
               c.shareWithResearchAsOfDate ASC NULLS FIRST,
               c.registrationDate DESC,
               c.serialNumber ASC,
               c.customerName ASC,
               c.phone ASC,
               c.birthDay ASC
    ) AS recency
  FROM customer_landing c
) latest
WHERE latest.recency = 1
  AND latest.shareWithResearchAsOfDate IS NOT NULL
