-- severity: error
-- description: no trusted customer has a later landing record (a later record without consent revokes it)
SELECT t.email, t.lastUpdateDate AS trusted_update, l.lastUpdateDate AS later_update,
       l.shareWithResearchAsOfDate AS later_consent
FROM customer_trusted t
JOIN customer_landing l
  ON l.email = t.email
 AND l.lastUpdateDate > t.lastUpdateDate
