-- Where each valid customer record went. Mirrors glue/sql/trusted/customer_trusted.sql, with the
-- same order (test/pipeline/latest-record.test.ts holds them equal): the latest record of an email
-- is trusted when it carries consent; older records are superseded.
WITH distinct_records AS (
  SELECT DISTINCT * FROM customer_landing
),
ranked AS (
  SELECT
    d.shareWithResearchAsOfDate,
    ROW_NUMBER() OVER (
      PARTITION BY d.email
      ORDER BY d.lastUpdateDate DESC NULLS LAST,
               d.shareWithResearchAsOfDate ASC NULLS FIRST,
               d.registrationDate DESC NULLS LAST,
               d.serialNumber ASC NULLS LAST,
               d.customerName ASC NULLS LAST,
               d.phone ASC NULLS LAST,
               d.birthDay ASC NULLS LAST,
               d.shareWithPublicAsOfDate ASC NULLS FIRST,
               d.shareWithFriendsAsOfDate ASC NULLS FIRST
    ) AS recency
  FROM distinct_records d
)
SELECT 'duplicate' AS outcome,
       (SELECT COUNT(*) FROM customer_landing) - (SELECT COUNT(*) FROM distinct_records) AS records
UNION ALL
SELECT CASE
         WHEN r.recency > 1 THEN 'superseded'
         WHEN r.shareWithResearchAsOfDate IS NULL THEN 'no_consent'
         ELSE 'trusted'
       END AS outcome,
       COUNT(*) AS records
FROM ranked r
GROUP BY 1
