-- severity: error
-- description: customer_trusted rows carry email, serialNumber and lastUpdateDate
SELECT * FROM customer_trusted c WHERE c.email IS NULL OR c.serialNumber IS NULL OR c.lastUpdateDate IS NULL
