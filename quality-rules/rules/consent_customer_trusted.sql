-- severity: error
-- description: every customer in customer_trusted gave research consent
SELECT * FROM customer_trusted c WHERE c.shareWithResearchAsOfDate IS NULL
