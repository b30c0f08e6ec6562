// Placeholder: the real demo (train the lecture's MLP with @backprop/*) replaces this.
console.log('demo placeholder');
