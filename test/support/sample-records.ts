// A landing customer record that passes its JSON Schema, for tests that vary one field of it.
export const SAMPLE_CUSTOMER = {
  customerName: 'Santosh Clayton',
  email: 'Santosh.Clayton@test.com',
  phone: '8015551212',
  birthDay: '1399-01-01',
  serialNumber: '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c',
  registrationDate: 1655564376361,
  lastUpdateDate: 1655564376361,
};
