-- severity: warn
-- description: a phone number belongs to one customer; the same number for many customers is a placeholder
SELECT c.phone, COUNT(*) AS customers
FROM customer_trusted c
GROUP BY c.phone
HAVING COUNT(*) > 1
