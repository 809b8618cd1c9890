-- Customers in customer_trusted who have accelerometer readings.
SELECT
  c.customerName,
  c.email,
  c.phone,
  c.birthDay,
  c.serialNumber,
  c.registrationDate,
  c.lastUpdateDate,
  c.shareWithResearchAsOfDate,
  c.shareWithPublicAsOfDate,
  c.shareWithFriendsAsOfDate
FROM customer_trusted c
WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)
