-- severity: error
-- description: customer_curated is not empty
SELECT COUNT(*) AS customers FROM customer_curated HAVING COUNT(*) = 0
